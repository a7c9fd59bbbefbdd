import { DateTime } from 'luxon';
import type { Exact } from '../money/exact';
import { lastWorkingDayOnOrBefore } from './target-calendar';

/** The rates known for one currency, by ISO publication date. */
export type KnownRates = ReadonlyMap<string, Exact>;

export type RateChoice =
  | { kind: 'rate'; callDay: string; rateDate: string; rate: Exact }
  | { kind: 'pending'; callDay: string; waitingFor: string };

/** The day of a call for its rate: the calendar date of its start in Europe/Berlin. */
export function callDayOf(startedAt: Date): string {
  return DateTime.fromJSDate(startedAt, { zone: 'Europe/Berlin' }).toISODate()!;
}

/**
 * The rate a call is converted at: the rate of its day in Europe/Berlin; for a weekend or TARGET
 * holiday the last working day's. While that rate is not published yet (a weekday before about
 * 16:00 CET, or an import that has not run) the call waits: `pending`, never a guess. Only when a
 * later day's rate is known, so the ECB did not publish for that day, does the last rate published
 * before it apply.
 */
export function rateForCall(startedAt: Date, known: KnownRates): RateChoice {
  const callDay = callDayOf(startedAt);
  const wanted = lastWorkingDayOnOrBefore(callDay);
  const exact = known.get(wanted);
  if (exact) return { kind: 'rate', callDay, rateDate: wanted, rate: exact };
  const dates = [...known.keys()].sort();
  const publishedAfter = dates.some((date) => date > wanted);
  const before = dates.filter((date) => date < wanted).at(-1);
  if (publishedAfter && before) return { kind: 'rate', callDay, rateDate: before, rate: known.get(before)! };
  return { kind: 'pending', callDay, waitingFor: wanted };
}
