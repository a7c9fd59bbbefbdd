import { DateTime } from 'luxon';
import { word } from './day-parts';
import { detectLanguage } from './extract-appointment-time';
import { combine, slotsSaid } from './said-slots';
import { resolveTime } from './time-expressions';

/** What a phrase names: a day (with a clock time when one was said), a calendar week, or neither. */
export type Said =
  | { kind: 'day'; date: string; time?: string }
  | { kind: 'week'; weeksAhead: number; time?: string }
  | { kind: 'no_day' }
  | { kind: 'not_a_date' };

/** "2026-12-08", "2026-12-08T14:30", "2026-12-08 14:30:00", "2026-12-08T13:30:00Z", "…+01:00" */
const ISO =
  /(?<!\d)(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(z|[+-]\d{2}(?::?\d{2})?)?)?(?![\d:])/iu;
/** most weeks ahead first: "übernächste Woche" is not "nächste Woche" */
const WEEKS: [number, RegExp][] = [
  [2, word('übernächsten? woche|the week after next')],
  [1, word('(?:nächsten?|kommenden?) woche|next week')],
  [0, word('diese[rn]? woche|this week')],
];

/**
 * The day or week a phrase names, read in `now`'s zone: an ISO date or date-time as the LLM may
 * pass it (one with an offset is converted to the zone), else German or English speech as a caller
 * says it (the same reading as a call's transcript: refusals left out, the most explicit day wins).
 */
export function whenSaid(text: string, now: DateTime): Said {
  const iso = ISO.exec(text);
  if (iso) return isoDay(iso, now);
  const language = detectLanguage(text);
  const slot = combine(slotsSaid(text, now.startOf('day'), language).map((s) => s.slot));
  const time = slot.time ? resolveTime(slot.time) : undefined;
  if (slot.date) return { kind: 'day', date: slot.date.date, time };
  const week = WEEKS.find(([, words]) => words.test(text));
  return week ? { kind: 'week', weeksAhead: week[0], time } : { kind: 'no_day' };
}

function isoDay([, date, time, offset]: RegExpExecArray, now: DateTime): Said {
  const at = DateTime.fromISO(time ? `${date}T${time}${offset?.toUpperCase() ?? ''}` : date!, { zone: now.zone });
  if (!at.isValid) return { kind: 'not_a_date' };
  return { kind: 'day', date: at.toISODate()!, time: time ? at.toFormat('HH:mm') : undefined };
}
