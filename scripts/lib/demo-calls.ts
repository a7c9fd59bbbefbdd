/**
 * The calls the demo makes, written once for scripts/demo.ts, scripts/demo-live-call.ts and the
 * dashboards test's traffic (test/support/demo-traffic.ts): the fixture calls with a run's own ids,
 * two callers wishing the same start after their calls, and the live caller's steps — booking the
 * first free start, or, when the wished slot is taken, the first alternative offered. The steps
 * return what happened as a result on `kind`; the caller prints, counts or throws.
 */
import type { Answer, RetellTraffic } from './retell-traffic';
import { fixture } from './retell-traffic';

const FIXTURE_CALLS = [
  '01-call_started.salon-inbound.json',
  '02-call_ended.salon-inbound.json',
  '03-call_analyzed.salon-inbound.json',
  '04-call_ended.praxis-outbound-no-answer.json',
  '05-transcript_updated.praxis-inbound.json',
  '06-transfer_started.praxis-inbound.json',
  '07-call_analyzed.praxis-inbound-transfer.json',
];

/**
 * The fixture calls' webhooks (01–07) with `_<run>` appended to their call ids, so a second run is
 * not taken for redeliveries. The third is the salon call's call_analyzed, the base of `sameWishCalls`.
 */
export function fixtureCalls(retell: RetellTraffic, run: string): { file: string; callId: string; body: string }[] {
  return FIXTURE_CALLS.map((file) => {
    const raw = fixture(retell, file);
    const id = (JSON.parse(raw) as { call: { call_id: string } }).call.call_id;
    return { file, callId: `${id}_${run}`, body: raw.split(id).join(`${id}_${run}`) };
  });
}

/**
 * Two callers whose salon call (`analysedBody`, fixture 03's) left a booking at the same `start`
 * to us: not booked during the call, the wish in the analysis. One of them gets it, the other is
 * offered alternatives.
 */
export function sameWishCalls(
  analysedBody: string,
  start: string,
  callIds: [string, string],
): { callId: string; body: string }[] {
  return ['+4917612345678', '+4915112345679'].map((from, i) => {
    const wish = JSON.parse(analysedBody);
    Object.assign(wish.call, { call_id: callIds[i], from_number: from });
    Object.assign(wish.call.call_analysis.custom_analysis_data, { termin_gebucht: false, termin_beginn: start });
    return { callId: callIds[i]!, body: JSON.stringify(wish) };
  });
}

/**
 * `time` (Europe/Berlin) on the next day after today that the salon works (Tuesday to Saturday),
 * with the zone's offset on that day, as Retell's analysis writes a wish. The fixture's wish
 * (16 Oct 2026) may be long past; this one is always in the future.
 */
export function nextSalonDayAt(time: string): string {
  const zone = 'Europe/Berlin';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date()); // YYYY-MM-DD
  const day = new Date(`${today}T12:00:00Z`);
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 1);
  const date = day.toISOString().slice(0, 10);
  const offset = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T${time}:00Z`))
    .find((p) => p.type === 'timeZoneName')!
    .value.replace('GMT', '');
  return `${date}T${time}:00${offset || '+00:00'}`;
}

/** A tool call of one live call: the demo prints each, the test fails on any answer but 200. */
export type CallTool = (name: string, args: Answer) => Promise<Answer>;

/** What the live caller asks check_availability, in her words. */
export const LIVE_ASK = { dienstleistung: 'Haare schneiden', datum_von: 'nächsten Dienstag nachmittags' };

export type FirstFreeStart =
  | { kind: 'booked'; slotId: string; args: Answer; booked: Answer; again: Answer }
  | { kind: 'no-free-start'; answer: Answer }
  | { kind: 'not-booked'; answer: Answer };

/**
 * check_availability for the caller's words, book_appointment of the first free start for
 * `customer`, and Retell's retry of it (max_retry sends the same tool call again): `again` should
 * be the same booking.
 */
export async function bookFirstFreeStart(tool: CallTool, customer: string): Promise<FirstFreeStart> {
  const free = await tool('check_availability', LIVE_ASK);
  const slot = (free.freie_termine as { slot_id: string }[] | undefined)?.[0];
  if (!slot) return { kind: 'no-free-start', answer: free };
  const args = { slot_id: slot.slot_id, kunde_name: customer, dienstleistung: 'Haare schneiden' };
  const booked = await tool('book_appointment', args);
  if (booked.ok !== true || typeof booked.booking_id !== 'string') return { kind: 'not-booked', answer: booked };
  return { kind: 'booked', slotId: slot.slot_id, args, booked, again: await tool('book_appointment', args) };
}

export type OfferedAlternative =
  | { kind: 'booked'; wished: Answer; taken: Answer; chosen: Answer; booked: Answer }
  | { kind: 'not-taken'; answer: Answer }
  | { kind: 'not-booked'; answer: Answer };

/**
 * `customer` wants the slot someone else just booked: book_appointment answers slot_taken with
 * alternatives (which the agent reads out), and the caller books the first of them in the same
 * call — booking then confirms it as booking.confirmed.v1 with `alternative: true`.
 */
export async function bookOfferedAlternative(
  tool: CallTool,
  takenSlotId: string,
  customer: string,
): Promise<OfferedAlternative> {
  const wished = { slot_id: takenSlotId, kunde_name: customer, dienstleistung: 'Haare schneiden' };
  const taken = await tool('book_appointment', wished);
  const alternative = (taken.alternativen as { slot_id: string }[] | undefined)?.[0];
  if (taken.fehler !== 'slot_taken' || !alternative) return { kind: 'not-taken', answer: taken };
  const chosen = { ...wished, slot_id: alternative.slot_id };
  const booked = await tool('book_appointment', chosen);
  if (booked.ok !== true) return { kind: 'not-booked', answer: booked };
  return { kind: 'booked', wished, taken, chosen, booked };
}
