import { DateTime } from 'luxon';

/** A start and its end (start + the service's duration), UTC instants as the contract writes them. */
export interface Slot {
  startUtc: string;
  endUtc: string;
}

/** Local minutes of the day in the branch's zone, [fromMinute, toMinute): "nachmittags" is 720–1020. */
export interface MinuteWindow {
  fromMinute: number;
  toMinute: number;
}

export interface FreeSlotsQuery {
  /** free starts (UTC instants) over the asked days, in any order, repeats allowed */
  freeStartsUtc: readonly string[];
  /** the branch's zone: the window's minutes are read in it */
  timeZone: string;
  now: Date;
  durationMinutes: number;
  limit: number;
  window?: MinuteWindow | undefined;
  wishedStartUtc?: string | undefined;
}

/** Days after the asked ones whose free starts alternatives may come from. */
export const ALTERNATIVE_DAYS_AFTER = 7;

/**
 * The free starts to answer: after now, within the window, earliest first, each once, at most
 * `limit`, each with its end. The wished start comes first when it is free, even outside the
 * window: the caller named that very time. Pure.
 */
export function pickFreeSlots(query: FreeSlotsQuery): Slot[] {
  const now = query.now.getTime();
  const starts = [...new Set(query.freeStartsUtc.map((start) => Date.parse(start)))]
    .filter((t) => Number.isFinite(t) && t > now)
    .sort((a, b) => a - b);
  const wish = query.wishedStartUtc === undefined ? undefined : Date.parse(query.wishedStartUtc);
  const inWindow = starts.filter((t) => t !== wish && withinWindow(t, query.timeZone, query.window));
  const ordered = wish !== undefined && starts.includes(wish) ? [wish, ...inWindow] : inWindow;
  return ordered.slice(0, query.limit).map((t) => slotAt(t, query.durationMinutes));
}

/** The slot that starts at `start` (a UTC instant, or its milliseconds) and lasts `durationMinutes`. */
export function slotAt(start: string | number, durationMinutes: number): Slot {
  const t = typeof start === 'number' ? start : Date.parse(start);
  return { startUtc: utc(t), endUtc: utc(t + durationMinutes * 60_000) };
}

/**
 * Where alternatives are looked for when nothing is free: around the wished start, else around
 * the window's first minute (or midnight) on the first asked day in the branch's zone; up to
 * `ALTERNATIVE_DAYS_AFTER` days after the last asked day. `windowDays` counts from the wish's day,
 * as `findAlternatives` does. Pure.
 */
export function alternativesSearch(
  query: { fromDay: string; toDay: string; window?: MinuteWindow | undefined; wishedStartUtc?: string | undefined },
  timeZone: string,
): { wishedStartUtc: string; toDay: string; windowDays: number } {
  const minute = query.window?.fromMinute ?? 0;
  const wish = query.wishedStartUtc
    ? DateTime.fromISO(query.wishedStartUtc, { zone: 'utc' }).setZone(timeZone)
    : DateTime.fromISO(query.fromDay, { zone: timeZone }).set({ hour: Math.floor(minute / 60), minute: minute % 60 });
  const lastDay = DateTime.fromISO(query.toDay, { zone: 'utc' }).plus({ days: ALTERNATIVE_DAYS_AFTER });
  const wishDay = DateTime.fromISO(wish.toISODate()!, { zone: 'utc' });
  return {
    wishedStartUtc: utc(wish.toMillis()),
    toDay: lastDay.toISODate()!,
    windowDays: Math.max(0, Math.round(lastDay.diff(wishDay, 'days').days)),
  };
}

function withinWindow(t: number, zone: string, window: MinuteWindow | undefined): boolean {
  if (!window) return true;
  const local = DateTime.fromMillis(t, { zone });
  const minute = local.hour * 60 + local.minute;
  return minute >= window.fromMinute && minute < window.toMinute;
}

/** `2026-10-13T12:30:00Z`: whole seconds without milliseconds, as Cal.com and findAlternatives write them */
function utc(millis: number): string {
  return new Date(millis).toISOString().replace(/\.000Z$/, 'Z');
}
