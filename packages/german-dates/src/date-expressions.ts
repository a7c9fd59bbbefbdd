import type { DateTime } from 'luxon';
import type { Found } from './time-expressions';
import { MONTHS, WEEKDAYS } from './calendar-words';
import { CARDINAL, numberValue, ORDINAL } from './number-words';

const B = '(?<![\\p{L}\\d])';
const E = '(?![\\p{L}\\d])';
const rx = (source: string) => new RegExp(`${B}${source}${E}`, 'giu');

const WD = `(${Object.keys(WEEKDAYS).join('|')})s?`;
const MONTH = `(${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const COUNT = `(${CARDINAL}|einer|einem|eine|a|an)`;
const NEXT_WEEK = '(?:nächste|nächsten|kommende|kommenden) woche|next week';
const WEEK_AFTER_NEXT = 'übernächste woche|übernächsten woche|the week after next';
/** a number right after these words is a clock time ("um 9.12", "at 3 may I …"), not a day */
const NOT_A_CLOCK = '(?<!(?:um|gegen|at|by|around) )(?<!\\d[:.,])';
/** the day of a date: "14.", "14th", "vierzehnten", or a bare "14" as speech-to-text writes it */
const DAY = `(${ORDINAL}|\\d{1,2})`;
/** what follows a number that is an amount or a time, not a date ("2.5 Euro", "9.12 Uhr") */
/** before a number that is an amount ("kostet der 2.5", "the price is 12.10") */
const NOT_AN_AMOUNT = '(?<!(?:kostet|kosten|preis|macht|zahle|zahlen|cost|costs|price|pay)(?: \\p{L}+)? )';
const NOT_A_DAY_AFTER =
  '(?! ?(?:uhr|h|euro|eur|cent|prozent|stunden?|std|minuten|min|mal|kilo|kg|km|liter)(?![\\p{L}])|\\s?[€%$])';

/** How sure a form is of its day: an explicit date beats a relative day, which beats a weekday. */
export type DateForm = 'explicit' | 'relative' | 'weekday';
export interface SpokenDate {
  date: string;
  form: DateForm;
}

type Rule = [RegExp, DateForm, (m: RegExpExecArray, today: DateTime) => DateTime | undefined];
const count = (word: string) => (/^(einer|einem|eine|a|an)$/.test(word) ? 1 : numberValue(word));
/** the weekday's next date after today; today's own weekday means a week from today */
const nextWeekday = (today: DateTime, weekday: number) => today.plus({ days: ((weekday - today.weekday + 6) % 7) + 1 });
/** the weekday in the calendar week `weeks` after this one */
const weekdayInWeek = (today: DateTime, weekday: number, weeks: number) =>
  today
    .startOf('week')
    .plus({ weeks })
    .plus({ days: weekday - 1 });
const dayOf = (word: string) => numberValue(word.replace(/\.$/, ''));

/** a day and month without a year: this year, or next year once it has passed */
function upcoming(
  today: DateTime,
  month: number | undefined,
  day: number | undefined,
  year?: number,
): DateTime | undefined {
  if (!month || !day || month > 12 || day > 31) return undefined;
  const fullYear = year === undefined ? today.year : year < 100 ? 2000 + year : year;
  const candidate = today.set({ year: fullYear, month, day });
  if (!candidate.isValid || candidate.day !== day) return undefined;
  return year === undefined && candidate < today ? candidate.plus({ years: 1 }) : candidate;
}

/** Most specific first; a span taken by one rule is not looked at again. */
const RULES: Rule[] = [
  // "14. Januar", "am 3 März" (no ordinal dot, as speech-to-text writes it), "the 20th of March"
  [
    rx(`(?:${WD},? )?(?:(?:den|the) )?${NOT_A_CLOCK}${DAY} (?:of )?${MONTH}(?: (\\d{4}))?`),
    'explicit',
    (m, t) => upcoming(t, MONTHS[m[3]!], dayOf(m[2]!), m[4] ? Number(m[4]) : undefined),
  ],
  [
    rx(`${MONTH} (?:the )?(\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?`),
    'explicit',
    (m, t) => upcoming(t, MONTHS[m[1]!], Number(m[2]), m[3] ? Number(m[3]) : undefined),
  ],
  // "20.03.2026", "den 7.4."
  [
    rx(`${NOT_A_CLOCK}${NOT_AN_AMOUNT}(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}|\\d{2})?(?!:)${NOT_A_DAY_AFTER}`),
    'explicit',
    (m, t) => upcoming(t, Number(m[2]), Number(m[1]), m[3] ? Number(m[3]) : undefined),
  ],
  // "der 9.12", "am 22.1", "Mittwoch, 9.12": a short date only after a word that makes it one, and
  // after a weekday only when it falls on that weekday ("Montag 8.10" may as well be 8:10)
  [
    rx(`${NOT_AN_AMOUNT}(?:am|der|den|dem|vom|zum|${WD},?) (\\d{1,2})\\.(\\d{1,2})(?![.,:]?\\d)${NOT_A_DAY_AFTER}`),
    'explicit',
    (m, t) => {
      const day = upcoming(t, Number(m[3]), Number(m[2]));
      return m[1] && day?.weekday !== WEEKDAYS[m[1]] ? undefined : day;
    },
  ],
  [rx('(?:übermorgen|the day after tomorrow|day after tomorrow)'), 'relative', (_m, t) => t.plus({ days: 2 })],
  [/(?<![\p{L}\d])(?<!guten )(?:morgen|tomorrow)(?![\p{L}\d])/giu, 'relative', (_m, t) => t.plus({ days: 1 })],
  [rx('(?:heute|today)'), 'relative', (_m, t) => t],
  [
    rx(`in ${COUNT} (?:tagen|tag|days|day)`),
    'relative',
    (m, t) => {
      const n = count(m[1]!);
      return n === undefined ? undefined : t.plus({ days: n });
    },
  ],
  [
    rx(`(?:${WEEK_AFTER_NEXT}) (?:am )?(?:on )?${WD}|${WD} (?:in der )?(?:${WEEK_AFTER_NEXT})`),
    'weekday',
    (m, t) => weekdayInWeek(t, WEEKDAYS[(m[1] ?? m[2])!]!, 2),
  ],
  [
    rx(`(?:${NEXT_WEEK}) (?:am )?(?:on )?${WD}|${WD} (?:in der )?(?:${NEXT_WEEK})|(?:nächsten|nächster|next) ${WD}`),
    'weekday',
    (m, t) => weekdayInWeek(t, WEEKDAYS[(m[1] ?? m[2] ?? m[3])!]!, 1),
  ],
  // "Mittwoch in einer Woche": that weekday's coming occurrence (today included), weeks later
  [
    rx(`${WD} in ${COUNT} (?:wochen|woche|weeks|week)`),
    'weekday',
    (m, t) => {
      const n = count(m[2]!);
      const weekday = WEEKDAYS[m[1]!]!;
      return n === undefined ? undefined : t.plus({ days: (weekday - t.weekday + 7) % 7, weeks: n });
    },
  ],
  [
    rx(`in ${COUNT} (?:wochen|woche|weeks|week)`),
    'relative',
    (m, t) => {
      const n = count(m[1]!);
      return n === undefined ? undefined : t.plus({ weeks: n });
    },
  ],
  [rx(`(?:diesen |kommenden |this |on )?${WD}`), 'weekday', (m, t) => nextWeekday(t, WEEKDAYS[m[1]!]!)],
  // "am dritten", "am 3.", "on the 3rd": this month's day, or next month's once it has passed
  [
    rx(`(?:am|on the|the) ${ORDINAL.replace('(?:', '(')}(?! (?:uhr|mal|o'clock))`),
    'explicit',
    (m, t) => {
      const day = dayOf(m[1]!);
      if (!day) return undefined;
      const thisMonth = upcoming(t, t.month, day, t.year);
      return thisMonth && thisMonth >= t
        ? thisMonth
        : upcoming(t.plus({ months: 1 }), t.plus({ months: 1 }).month, day, t.plus({ months: 1 }).year);
    },
  ],
];

/** Every day said in the text, in order, resolved against `today` (start of day in the branch's zone). */
export function findDates(text: string, today: DateTime): Found<SpokenDate>[] {
  const lower = text.toLowerCase();
  const taken: [number, number][] = [];
  const found: Found<SpokenDate>[] = [];
  for (const [regex, form, read] of RULES) {
    for (const m of lower.matchAll(regex)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const day = read(m as RegExpExecArray, today);
      if (!day?.isValid) continue;
      taken.push([start, end]);
      found.push({ value: { date: day.toISODate()!, form }, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
