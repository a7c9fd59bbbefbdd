import type { FederalState } from '@rb/german-dates';
import { holidaysOf } from '@rb/german-dates';
import { DateTime } from 'luxon';

export type AlternativeStrategy =
  'same_day_other_time' | 'next_workday_same_time' | 'next_week_same_day' | 'next_available_workday';

/** Strategies in the order a caller is most likely to accept them (the monolith's ranking, kept). */
const STRATEGY_RANK: Record<AlternativeStrategy, number> = {
  same_day_other_time: 0,
  next_workday_same_time: 1,
  next_week_same_day: 2,
  next_available_workday: 3,
};

export interface Branch {
  timeZone: string;
  /** ISO weekdays the branch works, 1 = Monday … 7 = Sunday */
  workingDays: readonly number[];
  federalState: FederalState | null;
  /** extra closed days (YYYY-MM-DD): local holidays, holidays of the business */
  closedDays?: readonly string[];
}

export interface AlternativesQuery {
  /** the wished start, a UTC instant */
  wishedStartUtc: string;
  /** free start times (UTC instants) Cal.com offered over the search window */
  freeStartsUtc: readonly string[];
  branch: Branch;
  /** days after the wished day that may be offered (default 7) */
  windowDays?: number;
  /** how many to offer (default 3) */
  count?: number;
  /** what "the same time" tolerates for the same-time strategies, in minutes (default 60) */
  sameTimeToleranceMinutes?: number;
  /** slots before this instant are not offered (default: now) */
  nowUtc?: string;
}

export interface Alternative {
  startUtc: string;
  /** the same instant in the branch's zone, as the caller would hear it */
  startLocal: string;
  strategy: AlternativeStrategy;
  /** minutes between this start and the wish */
  minutesFromWish: number;
}

/**
 * Alternatives for a wished slot that is taken: the free slots on the wished day, the next
 * working day at about the same time, the same weekday a week later, and the earliest slot on the
 * next working days; each slot counted once, under its best strategy. Ranked by strategy, then by
 * closeness to the wish; only days the branch works that are not public holidays in its federal
 * state, after the wish's day's start and within the window. Pure.
 */
export function findAlternatives(query: AlternativesQuery): Alternative[] {
  const { branch } = query;
  const zone = branch.timeZone;
  const windowDays = query.windowDays ?? 7;
  const tolerance = query.sameTimeToleranceMinutes ?? 60;
  const wish = DateTime.fromISO(query.wishedStartUtc, { zone: 'utc' }).setZone(zone);
  if (!wish.isValid) return [];
  const wishDay = wish.startOf('day');
  const lastDay = wishDay.plus({ days: windowDays });
  const now = query.nowUtc ? DateTime.fromISO(query.nowUtc, { zone: 'utc' }) : DateTime.utc();

  const holidayCache = new Map<number, Map<string, string>>();
  const isWorkday = (day: DateTime): boolean => {
    const date = day.toISODate()!;
    if (!branch.workingDays.includes(day.weekday)) return false;
    if (branch.closedDays?.includes(date)) return false;
    let holidays = holidayCache.get(day.year);
    if (!holidays) holidayCache.set(day.year, (holidays = holidaysOf(day.year, branch.federalState)));
    return !holidays.has(date);
  };

  const slots = [...new Set(query.freeStartsUtc)]
    .map((s) => DateTime.fromISO(s, { zone: 'utc' }).setZone(zone))
    .filter((s) => s.isValid && s > now && !s.equals(wish))
    .filter((s) => s >= wishDay && s < lastDay.plus({ days: 1 }) && isWorkday(s.startOf('day')))
    .sort((a, b) => a.toMillis() - b.toMillis());

  const minutesOfDay = (t: DateTime) => t.hour * 60 + t.minute;
  const sameTime = (s: DateTime) => Math.abs(minutesOfDay(s) - minutesOfDay(wish)) <= tolerance;
  let nextWorkday: DateTime | undefined;
  for (let d = wishDay.plus({ days: 1 }); d <= lastDay; d = d.plus({ days: 1 })) {
    if (isWorkday(d)) {
      nextWorkday = d;
      break;
    }
  }
  const weekLater = wishDay.plus({ weeks: 1 });

  const best = new Map<number, AlternativeStrategy>();
  const offer = (slot: DateTime, strategy: AlternativeStrategy) => {
    const key = slot.toMillis();
    const known = best.get(key);
    if (!known || STRATEGY_RANK[strategy] < STRATEGY_RANK[known]) best.set(key, strategy);
  };
  for (const slot of slots) {
    const day = slot.startOf('day');
    if (day.equals(wishDay)) offer(slot, 'same_day_other_time');
    if (nextWorkday && day.equals(nextWorkday) && sameTime(slot)) offer(slot, 'next_workday_same_time');
    if (day.equals(weekLater) && sameTime(slot)) offer(slot, 'next_week_same_day');
  }
  // the earliest free slot of the first working day after the wish that has one
  const firstLater = slots.find((s) => s.startOf('day') > wishDay);
  if (firstLater) offer(firstLater, 'next_available_workday');

  return [...best.entries()]
    .map(([millis, strategy]) => {
      const start = DateTime.fromMillis(millis, { zone });
      return {
        startUtc: start.toUTC().toISO({ suppressMilliseconds: true })!,
        startLocal: start.toISO({ suppressMilliseconds: true, includeOffset: false })!,
        strategy,
        minutesFromWish: Math.round(Math.abs(start.diff(wish, 'minutes').minutes)),
      };
    })
    .sort(
      (a, b) =>
        STRATEGY_RANK[a.strategy] - STRATEGY_RANK[b.strategy] ||
        a.minutesFromWish - b.minutesFromWish ||
        a.startUtc.localeCompare(b.startUtc),
    )
    .slice(0, query.count ?? 3);
}
