/**
 * German public holidays as data: each is a fixed date or a day relative to Easter Sunday, valid
 * nationwide or in the listed federal states (ISO 3166-2:DE codes without "DE-"). Holidays that
 * only some municipalities keep (Fronleichnam in parts of Saxony and Thuringia, Mariä Himmelfahrt
 * in Bavaria's Catholic communities, Augsburger Friedensfest) are left out: a branch there can
 * list them in its own closed days.
 */
export type FederalState =
  'BW' | 'BY' | 'BE' | 'BB' | 'HB' | 'HH' | 'HE' | 'MV' | 'NI' | 'NW' | 'RP' | 'SL' | 'SN' | 'ST' | 'SH' | 'TH';

interface HolidayRule {
  name: string;
  /** MM-DD, or days after Easter Sunday, or the Wednesday before 23 November */
  on: { fixed: string } | { easter: number } | { bussUndBettag: true };
  states: 'all' | readonly FederalState[];
  /** first year it is a holiday (e.g. Frauentag in Berlin since 2019) */
  since?: number;
}

export const GERMAN_HOLIDAYS: readonly HolidayRule[] = [
  { name: 'Neujahr', on: { fixed: '01-01' }, states: 'all' },
  { name: 'Heilige Drei Könige', on: { fixed: '01-06' }, states: ['BW', 'BY', 'ST'] },
  { name: 'Internationaler Frauentag', on: { fixed: '03-08' }, states: ['BE'], since: 2019 },
  { name: 'Internationaler Frauentag', on: { fixed: '03-08' }, states: ['MV'], since: 2023 },
  { name: 'Karfreitag', on: { easter: -2 }, states: 'all' },
  { name: 'Ostermontag', on: { easter: 1 }, states: 'all' },
  { name: 'Tag der Arbeit', on: { fixed: '05-01' }, states: 'all' },
  { name: 'Christi Himmelfahrt', on: { easter: 39 }, states: 'all' },
  { name: 'Pfingstmontag', on: { easter: 50 }, states: 'all' },
  { name: 'Fronleichnam', on: { easter: 60 }, states: ['BW', 'BY', 'HE', 'NW', 'RP', 'SL'] },
  { name: 'Mariä Himmelfahrt', on: { fixed: '08-15' }, states: ['SL'] },
  { name: 'Weltkindertag', on: { fixed: '09-20' }, states: ['TH'], since: 2019 },
  { name: 'Tag der Deutschen Einheit', on: { fixed: '10-03' }, states: 'all' },
  { name: 'Reformationstag', on: { fixed: '10-31' }, states: ['BB', 'MV', 'SN', 'ST', 'TH'] },
  { name: 'Reformationstag', on: { fixed: '10-31' }, states: ['HB', 'HH', 'NI', 'SH'], since: 2018 },
  { name: 'Allerheiligen', on: { fixed: '11-01' }, states: ['BW', 'BY', 'NW', 'RP', 'SL'] },
  { name: 'Buß- und Bettag', on: { bussUndBettag: true }, states: ['SN'] },
  { name: '1. Weihnachtstag', on: { fixed: '12-25' }, states: 'all' },
  { name: '2. Weihnachtstag', on: { fixed: '12-26' }, states: 'all' },
];

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher), as YYYY-MM-DD. */
export function easterSunday(year: number): string {
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
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const addDays = (isoDate: string, days: number): string => {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** The holidays of one year in one state: date (YYYY-MM-DD) → name. */
export function holidaysOf(year: number, state: FederalState | null): Map<string, string> {
  const easter = easterSunday(year);
  const days = new Map<string, string>();
  for (const rule of GERMAN_HOLIDAYS) {
    if (rule.since !== undefined && year < rule.since) continue;
    if (rule.states !== 'all' && (state === null || !rule.states.includes(state))) continue;
    let date: string;
    if ('fixed' in rule.on) date = `${year}-${rule.on.fixed}`;
    else if ('easter' in rule.on) date = addDays(easter, rule.on.easter);
    else {
      // the last Wednesday before 23 November
      const nov23 = new Date(Date.UTC(year, 10, 23));
      const back = (nov23.getUTCDay() - 3 + 7) % 7 || 7;
      date = addDays(`${year}-11-23`, -back);
    }
    days.set(date, rule.name);
  }
  return days;
}
