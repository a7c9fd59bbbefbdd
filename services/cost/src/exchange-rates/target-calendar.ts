import { DateTime } from 'luxon';

/**
 * The days the ECB publishes reference rates: TARGET working days, i.e. not Saturday or Sunday,
 * and not a TARGET holiday (1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December).
 * Dates are ISO calendar dates (YYYY-MM-DD), no time and no zone.
 */
export function isTargetWorkingDay(isoDate: string): boolean {
  const day = dateOf(isoDate);
  if (day.weekday >= 6) return false;
  const monthDay = isoDate.slice(5);
  if (monthDay === '01-01' || monthDay === '05-01' || monthDay === '12-25' || monthDay === '12-26') return false;
  const easter = easterSunday(day.year);
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

/** Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, day);
}

function dateOf(isoDate: string): DateTime {
  const day = DateTime.fromISO(isoDate, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || !day.isValid) throw new RangeError(`not a calendar date: ${isoDate}`);
  return day;
}
