import { easterSunday } from '@rb/german-dates';
import { DateTime } from 'luxon';

/**
 * The days the ECB publishes reference rates: TARGET working days, i.e. not Saturday or Sunday,
 * and not a TARGET holiday (1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December).
 * Dates are ISO calendar dates (YYYY-MM-DD), no time and no zone. Easter comes from @rb/german-dates;
 * the holiday list is TARGET's own (German public holidays are not TARGET holidays).
 */
export function isTargetWorkingDay(isoDate: string): boolean {
  const day = dateOf(isoDate);
  if (day.weekday >= 6) return false;
  const monthDay = isoDate.slice(5);
  if (monthDay === '01-01' || monthDay === '05-01' || monthDay === '12-25' || monthDay === '12-26') return false;
  const easter = dateOf(easterSunday(day.year));
  const goodFriday = easter.minus({ days: 2 }).toISODate();
  const easterMonday = easter.plus({ days: 1 }).toISODate();
  return isoDate !== goodFriday && isoDate !== easterMonday;
}

/** The last TARGET working day on or before the date. */
export function lastWorkingDayOnOrBefore(isoDate: string): string {
  let day = dateOf(isoDate);
  while (!isTargetWorkingDay(day.toISODate()!)) day = day.minus({ days: 1 });
  return day.toISODate()!;
}

function dateOf(isoDate: string): DateTime {
  const day = DateTime.fromISO(isoDate, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || !day.isValid) throw new RangeError(`not a calendar date: ${isoDate}`);
  return day;
}
