import type { OpeningHoursV1 as OpeningHours } from '@rb/contracts';
import type { SpokenLanguage } from './agent-variables';
type Day = keyof OpeningHours;

const DAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const NAMES: Record<SpokenLanguage, Record<Day, string>> = {
  de: {
    mon: 'Montag',
    tue: 'Dienstag',
    wed: 'Mittwoch',
    thu: 'Donnerstag',
    fri: 'Freitag',
    sat: 'Samstag',
    sun: 'Sonntag',
  },
  en: {
    mon: 'Monday',
    tue: 'Tuesday',
    wed: 'Wednesday',
    thu: 'Thursday',
    fri: 'Friday',
    sat: 'Saturday',
    sun: 'Sunday',
  },
};
const CLOSED: Record<SpokenLanguage, string> = { de: 'geschlossen', en: 'closed' };
const AND: Record<SpokenLanguage, string> = { de: 'und', en: 'and' };

/** One day's intervals as said: "8–12 und 15–18 Uhr", "8:30–12:00 and 15:00–18:00". */
function dayText(intervals: OpeningHours[Day], language: SpokenLanguage): string {
  if (intervals.length === 0) return CLOSED[language];
  // German as spoken: "8–12 Uhr", "8:30–12 Uhr"; English keeps the clock: "08:30–12:00"
  const time = (t: string) =>
    language === 'de' ? `${Number(t.slice(0, 2))}${t.endsWith(':00') ? '' : t.slice(2)}` : t;
  const spans = intervals.map((i) => `${time(i.opens)}–${time(i.closes)}`).join(` ${AND[language]} `);
  return language === 'de' ? `${spans} Uhr` : spans;
}

/** The week as the agent reads it out: "Montag: 8–12 Uhr; Dienstag: geschlossen; …". */
export function openingHoursText(hours: OpeningHours, language: SpokenLanguage): string {
  return DAYS.map((day) => `${NAMES[language][day]}: ${dayText(hours[day], language)}`).join('; ');
}

/** Today's hours in the branch's zone. */
export function todaysHoursText(hours: OpeningHours, now: Date, timeZone: string, language: SpokenLanguage): string {
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' })
    .format(now)
    .toLowerCase()
    .slice(0, 3) as Day;
  return dayText(hours[weekday], language);
}
