import type { PartOfDay, When } from '@rb/german-dates';
import { asksForNextFree, HOURS, understandWhen } from '@rb/german-dates';
import { AVAILABILITY_MAX_DAYS } from '@rb/contracts';

/** The time arguments of check_availability, as an LLM passes them (all optional, all text). */
export interface TimeArgs {
  /** free text: "nächsten Dienstag nachmittags", "so bald wie möglich" */
  wann?: string;
  /** an ISO day (YYYY-MM-DD) or a phrase */
  datumVon?: string;
  datumBis?: string;
  /** vormittag | nachmittag | abend (morning | afternoon | evening) */
  tageszeit?: string;
}

export interface TimeContext {
  now: Date;
  timeZone: string;
  /** ISO weekdays the branch works */
  workingDays: readonly number[];
}

/** Where booking should look: the query's days, window and wished start. */
export interface LookFor {
  fromDay: string;
  toDay: string;
  /** local minutes of the day, [from, to); absent: every start Cal.com offers on the days */
  window?: { fromMinute: number; toMinute: number };
  wishedStartUtc?: string;
}

export type WishedTime = { kind: 'understood'; lookFor: LookFor } | { kind: 'not_understood'; reason: TimeProblem };

/** Stable codes, each with its hint for the agent. */
export type TimeProblem =
  | 'missing_date'
  | 'date_not_understood'
  | 'date_in_past'
  | 'date_range_reversed'
  | 'date_range_too_long'
  | 'branch_misconfigured';

/** how far "the next free start" looks: today and the 13 days after it */
const ASAP_DAYS = AVAILABILITY_MAX_DAYS;

/** tageszeit as the LLM passes it (German or English) → the part of the day */
const TAGESZEIT: Record<string, PartOfDay> = {
  vormittag: 'morning',
  vormittags: 'morning',
  morgens: 'morning',
  früh: 'morning',
  morning: 'morning',
  nachmittag: 'afternoon',
  nachmittags: 'afternoon',
  afternoon: 'afternoon',
  abend: 'evening',
  abends: 'evening',
  evening: 'evening',
};
/** a part of the day as a word understandWhen reads after any phrase, German or English */
const SAID_AS: Record<PartOfDay, string> = { morning: 'vormittags', afternoon: 'nachmittags', evening: 'abends' };

/**
 * Turns what the LLM passed into where booking should look, through the one German date reader
 * (`understandWhen`, in the branch's zone and working days). A part of the day said is its
 * `HOURS` window on each day; a clock time on one day is the wished start and the window from it
 * on. Without either there is no window: booking keeps every start Cal.com offers on the days
 * (Cal.com's slots already follow the business's hours, 07:30 and 20:00 included), and booking
 * drops whatever is not ahead of now. Pure.
 */
export function readWishedTime(args: TimeArgs, context: TimeContext): WishedTime {
  const part = args.tageszeit ? TAGESZEIT[args.tageszeit.trim().toLowerCase()] : undefined;
  const first = args.wann ?? args.datumVon;
  const last = args.wann ? undefined : args.datumBis;
  if ([first, last].some((said) => said && asksForNextFree(said))) return nextFree(context, part);
  if (!first && !last) return { kind: 'not_understood', reason: 'missing_date' };
  const from = understand(first ?? last!, part, context);
  if (from.kind === 'not_understood') return { kind: 'not_understood', reason: problemOf(from.reason) };
  if (!first || !last || last === first) return lookAt(from, from);
  const to = understand(last, part, context);
  if (to.kind === 'not_understood')
    return {
      kind: 'not_understood',
      reason: to.reason === 'in_the_past' ? 'date_range_reversed' : problemOf(to.reason),
    };
  if (lastDay(to) < dayOf(from.from)) return { kind: 'not_understood', reason: 'date_range_reversed' };
  return lookAt(from, to);
}

type Understood = Extract<When, { kind: 'understood' }>;

function understand(said: string, part: PartOfDay | undefined, context: TimeContext): When {
  return understandWhen(part ? `${said} ${SAID_AS[part]}` : said, context);
}

/** From the start of `from` to the end of `to` (the same range when one was said). */
function lookAt(from: Understood, to: Understood): WishedTime {
  const fromDay = dayOf(from.from);
  const toDay = lastDay(to);
  if (daysBetween(fromDay, toDay) >= AVAILABILITY_MAX_DAYS)
    return { kind: 'not_understood', reason: 'date_range_too_long' };
  if (fromDay === toDay) {
    const wished = from === to && from.exactTime ? { wishedStartUtc: new Date(from.from).toISOString() } : {};
    const fromMinute = from.partOfDay || from.exactTime ? minuteOf(from.from) : 0;
    const toMinute = to.partOfDay && dayOf(to.to) === toDay ? minuteOf(to.to) : 24 * 60;
    const window = fromMinute > 0 || toMinute < 24 * 60 ? { window: { fromMinute, toMinute } } : {};
    return { kind: 'understood', lookFor: { fromDay, toDay, ...window, ...wished } };
  }
  const part = from.partOfDay === to.partOfDay ? from.partOfDay : undefined;
  return { kind: 'understood', lookFor: { fromDay, toDay, ...hoursOf(part) } };
}

function nextFree(context: TimeContext, part: PartOfDay | undefined): WishedTime {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: context.timeZone }).format(context.now);
  const lookFor = { fromDay: today, toDay: plusDays(today, ASAP_DAYS - 1), ...hoursOf(part) };
  return { kind: 'understood', lookFor };
}

/** The window of a part of the day, as minutes of the day; none without one (every start Cal.com offers). */
function hoursOf(part: PartOfDay | undefined): Pick<LookFor, 'window'> {
  if (!part) return {};
  const hours = HOURS[part];
  return { window: { fromMinute: hours.from * 60, toMinute: hours.to * 60 } };
}

function problemOf(reason: Extract<When, { kind: 'not_understood' }>['reason']): TimeProblem {
  switch (reason) {
    case 'nothing_said':
      return 'missing_date';
    case 'no_day':
    case 'not_a_date':
      return 'date_not_understood';
    case 'in_the_past':
      return 'date_in_past';
    case 'invalid_context':
      return 'branch_misconfigured';
  }
}

/* understandWhen answers ISO 8601 with the zone's offset, so the local day and minute are its text */
const dayOf = (iso: string): string => iso.slice(0, 10);
const minuteOf = (iso: string): number => Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
/** the last local day a range touches (`to` is exclusive: a range to midnight ends the day before) */
const lastDay = (range: Understood): string =>
  minuteOf(range.to) === 0 ? plusDays(dayOf(range.to), -1) : dayOf(range.to);
const plusDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 86_400_000;
