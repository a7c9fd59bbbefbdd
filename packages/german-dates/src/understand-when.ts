import { DateTime } from 'luxon';
import type { PartOfDay } from './day-parts';
import { HOURS, partOfDayIn, splitCompounds } from './day-parts';
import { whenSaid } from './when-said';

export interface WhenContext {
  /** the moment the question is asked: nothing before it is offered */
  now: Date;
  /** the branch's IANA zone ("Europe/Berlin"): days and hours are read and answered in it */
  timeZone: string;
  /** ISO weekdays the branch works (1 = Monday … 7 = Sunday), for a week; Monday to Friday when not given */
  workingDays?: readonly number[];
}

/** Why a phrase gave no range: stable codes to branch on (and to pick the hint the agent speaks). */
export type WhenNotUnderstood =
  /** empty or only blanks */
  | 'nothing_said'
  /** no day and no week in it ("um drei", "blau") */
  | 'no_day'
  /** an ISO date that does not exist ("2026-02-30") */
  | 'not_a_date'
  /** all of it lies before `now` */
  | 'in_the_past'
  /** the context itself is wrong: an unknown zone, an invalid `now`, working days not 1–7 */
  | 'invalid_context';

export type When =
  | {
      kind: 'understood';
      /** where to look for free starts: ISO 8601 with the zone's offset, from inclusive, to exclusive */
      from: string;
      to: string;
      /** the part of day said ("morgen früh" → morning); the range covers only its hours */
      partOfDay?: PartOfDay;
      /** HH:mm when a clock time was said or passed ("um halb drei", "2026-12-08T14:30") */
      exactTime?: string;
    }
  | { kind: 'not_understood'; reason: WhenNotUnderstood };

const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];
const notUnderstood = (reason: WhenNotUnderstood): When => ({ kind: 'not_understood', reason });

/**
 * The range a check_availability question asks about, from what the LLM passes: an ISO date or
 * date-time, or a spoken phrase ("morgen früh", "nächsten Dienstag nachmittags", "übermorgen um
 * halb drei", "am Freitag", "nächste Woche"). A day is its working hours (`HOURS`: 08–20, or the part
 * of day said); a clock time is that time up to the end of its day; a week is its working days,
 * first to last. Whatever has begun already starts at `now`. A single day is understood even when
 * the branch does not work then: finding no free slot there is booking's answer. Pure.
 */
export function understandWhen(input: string, context: WhenContext): When {
  const now = DateTime.fromJSDate(context.now, { zone: context.timeZone }).startOf('minute');
  const workingDays = context.workingDays ?? MONDAY_TO_FRIDAY;
  if (!now.isValid || workingDays.length === 0 || workingDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    return notUnderstood('invalid_context');
  const text = splitCompounds(input.replace(/\s+/g, ' ').trim());
  if (!text) return notUnderstood('nothing_said');
  const said = whenSaid(text, now);
  if (said.kind === 'no_day' || said.kind === 'not_a_date') return notUnderstood(said.kind);
  const partOfDay = partOfDayIn(text);
  const hours = HOURS[partOfDay ?? 'day'];
  let from: DateTime;
  let to: DateTime;
  if (said.kind === 'day') {
    const day = DateTime.fromISO(said.date, { zone: now.zone });
    from = said.time ? at(day, said.time) : day.set({ hour: hours.from });
    to = said.time ? day.plus({ days: 1 }) : day.set({ hour: hours.to });
    if (said.time && from < now) return notUnderstood('in_the_past');
  } else {
    const days = weekDays(now, said.weeksAhead, workingDays);
    from = days[0]!.set({ hour: hours.from });
    to = days.at(-1)!.set({ hour: hours.to });
  }
  if (to <= now) return notUnderstood('in_the_past');
  return {
    kind: 'understood',
    from: iso(from < now ? now : from),
    to: iso(to),
    ...(partOfDay ? { partOfDay } : {}),
    ...(said.time ? { exactTime: said.time } : {}),
  };
}

/** The working days of the calendar week `weeksAhead` after this one (Monday first), as start of day. */
function weekDays(now: DateTime, weeksAhead: number, workingDays: readonly number[]): DateTime[] {
  const monday = now.startOf('week').plus({ weeks: weeksAhead });
  return [0, 1, 2, 3, 4, 5, 6].map((i) => monday.plus({ days: i })).filter((d) => workingDays.includes(d.weekday));
}

const at = (day: DateTime, hhmm: string) => day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3)) });
const iso = (time: DateTime) => time.toISO({ suppressMilliseconds: true })!;
