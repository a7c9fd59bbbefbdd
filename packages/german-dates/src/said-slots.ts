import type { DateTime } from 'luxon';
import type { SpokenDate } from './date-expressions';
import { findDates } from './date-expressions';
import type { Mention } from './ruled-out';
import { passedOver, withoutRuledOut } from './ruled-out';
import type { Found, Language, SpokenTime } from './time-expressions';
import { findTimes } from './time-expressions';

/** A day and a time said in one breath, each when said. */
export interface Slot {
  date?: SpokenDate;
  time?: SpokenTime;
}

/**
 * What one speaker's words wish for, clause by clause: the parts a refusal covers left out ("Morgen
 * geht nicht, …"), days passed over ("statt Freitag") and days already past ignored; only clauses
 * that name a day or a time.
 */
export function slotsSaid(text: string, today: DateTime, language: Language): { clause: string; slot: Slot }[] {
  return clauses(text)
    .map((clause) => withoutRuledOut(clause, (part) => spansIn(part, today, language)))
    .map((clause) => ({ clause, slot: slotOf(clause, today, language) }))
    .filter(({ slot }) => slot.date || slot.time);
}

/** Clauses: a refusal in one ("geht leider nicht, aber …") must not spill over to the next. */
function clauses(text: string): string[] {
  // a period after a digit is an ordinal ("am 2. März"), not the end of a sentence
  return text.split(
    /(?<=[^\d][.!?;]|[!?;])\s+|,\s*(?=(?:aber|sondern|lieber|dann|dafür|stattdessen|oder|but|or|rather|instead)(?![\p{L}]))|\s+(?=(?:aber|sondern|dafür|stattdessen|but|instead)\s)/iu,
  );
}

/** The days and times a clause names as a wish: not one passed over ("statt Freitag"), no day past. */
function mentionsIn(clause: string, today: DateTime, language: Language) {
  const wished = <T>({ start }: Found<T>) => !passedOver(clause, start);
  const notPast = ({ value }: Found<SpokenDate>) => value.date >= today.toISODate()!;
  return {
    dates: findDates(clause, today).filter(wished).filter(notPast),
    times: findTimes(clause, language).filter(wished),
  };
}

function spansIn(text: string, today: DateTime, language: Language): Mention[] {
  const dates = findDates(text, today).map(({ start, end }) => ({ kind: 'date' as const, start, end }));
  const times = findTimes(text, language).map(({ start, end }) => ({ kind: 'time' as const, start, end }));
  return [...dates, ...times];
}

function slotOf(clause: string, today: DateTime, language: Language): Slot {
  const { dates, times } = mentionsIn(clause, today, language);
  return { date: bestDate(dates), time: times.at(-1)?.value };
}

/** In one breath the most explicit day wins ("am Montag, den 18. Mai"), else the last said. */
function bestDate(dates: Found<SpokenDate>[]): SpokenDate | undefined {
  const rank = { explicit: 3, relative: 2, weekday: 1 } as const;
  return dates.reduce<SpokenDate | undefined>(
    (best, d) => (!best || rank[d.value.form] >= rank[best.form] ? d.value : best),
    undefined,
  );
}

export function combine(slots: Slot[]): Slot {
  const combined: Slot = {};
  for (const slot of slots) merge(combined, slot);
  return combined;
}

/** A new day keeps the time wished before, a new time keeps the day. */
export function merge(into: Slot, slot: Slot): void {
  if (slot.date) into.date = slot.date;
  if (slot.time) into.time = slot.time;
}
