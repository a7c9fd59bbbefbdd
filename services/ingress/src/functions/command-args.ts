import { z } from 'zod';
import { PublicBookingIdSchema } from '@rb/contracts';
import type { FunctionProblem } from './agent-hints';

/*
 * The arguments of the tools that change or list bookings, as the tool definitions Retell shows the
 * LLM are generated from them (`pnpm retell:tools`) and ingress reads them with: one schema, so the
 * LLM is never told one thing and held to another. Like check_availability's, every optional
 * argument may be null (what LLMs pass for "not said") and empty text counts as not said.
 */

const text = (max: number) => z.string().max(max);

export const BookAppointmentToolArgsSchema = z.looseObject({
  slot_id: text(64).describe('the slot_id of the time the caller chose, exactly as check_availability returned it'),
  kunde_name: text(200).describe('the name to book under, as the caller said it'),
  telefon: text(32)
    .nullish()
    .describe('a number to book under if the caller names another than the one they are calling from; else leave out'),
  dienstleistung: text(200).nullish().describe('the service, as asked with check_availability (for the log only)'),
  notiz: text(500).nullish().describe('a short note for the business, if the caller wants one (no health details)'),
});

export const RescheduleAppointmentToolArgsSchema = z.looseObject({
  booking_id: text(40).describe('the booking number: bk_ and 8 letters or digits (find_appointments lists them)'),
  neuer_slot_id: text(64)
    .nullish()
    .describe('the slot_id of the new time from check_availability; preferred over neuer_termin'),
  neuer_termin: text(200)
    .nullish()
    .describe(
      'the new time in the caller’s words ("Freitag um 15 Uhr") when you have no slot_id; ' +
        'if it names no single free time you get free times to offer',
    ),
  grund: text(500).nullish().describe('why the caller wants to move it, if they said'),
});

export const CancelAppointmentToolArgsSchema = z.looseObject({
  booking_id: text(40).describe('the booking number: bk_ and 8 letters or digits (find_appointments lists them)'),
  grund: text(500).nullish().describe('why the caller cancels, if they said'),
});

/** find_appointments takes nothing: the caller's number and the business come with the call. */
export const FindAppointmentsToolArgsSchema = z.looseObject({});

export type BookArgs = { slotId: string; name: string; phone: string | undefined; note: string | undefined };
export type RescheduleArgs = {
  bookingId: string;
  newSlotId: string | undefined;
  newTime: string | undefined;
  reason: string | undefined;
};
export type CancelArgs = { bookingId: string; reason: string | undefined };

export type ReadCommandArgs<T> = { kind: 'read'; args: T } | { kind: 'wrong'; problem: FunctionProblem; said?: string };

/** Trimmed text; null, empty and blank are not said. */
const said = (value: string | null | undefined, max: number): string | undefined =>
  value?.trim().slice(0, max) || undefined;

/** The first argument the schema refused, as the problem its hint explains. */
function wrongArgument(issues: readonly { path: readonly PropertyKey[] }[], problems: Record<string, FunctionProblem>) {
  const first = issues.map((issue) => problems[String(issue.path[0])]).find(Boolean);
  return { kind: 'wrong' as const, problem: first ?? 'malformed_request' };
}

export function readBookArgs(args: Record<string, unknown>): ReadCommandArgs<BookArgs> {
  const parsed = BookAppointmentToolArgsSchema.safeParse(args);
  if (!parsed.success)
    return wrongArgument(parsed.error.issues, { slot_id: 'missing_slot', kunde_name: 'missing_name' });
  const slotId = said(parsed.data.slot_id, 64);
  const name = said(parsed.data.kunde_name, 200);
  if (!slotId) return { kind: 'wrong', problem: 'missing_slot' };
  if (!name) return { kind: 'wrong', problem: 'missing_name' };
  return {
    kind: 'read',
    args: { slotId, name, phone: said(parsed.data.telefon, 32), note: said(parsed.data.notiz, 500) },
  };
}

export function readRescheduleArgs(args: Record<string, unknown>): ReadCommandArgs<RescheduleArgs> {
  const parsed = RescheduleAppointmentToolArgsSchema.safeParse(args);
  if (!parsed.success)
    return wrongArgument(parsed.error.issues, {
      booking_id: 'missing_booking_id',
      neuer_slot_id: 'missing_new_time',
      neuer_termin: 'missing_new_time',
    });
  const bookingId = readBookingId(parsed.data.booking_id);
  if (bookingId.kind === 'wrong') return bookingId;
  const newSlotId = said(parsed.data.neuer_slot_id, 64);
  const newTime = said(parsed.data.neuer_termin, 200);
  if (!newSlotId && !newTime) return { kind: 'wrong', problem: 'missing_new_time' };
  return {
    kind: 'read',
    args: { bookingId: bookingId.args, newSlotId, newTime, reason: said(parsed.data.grund, 500) },
  };
}

export function readCancelArgs(args: Record<string, unknown>): ReadCommandArgs<CancelArgs> {
  const parsed = CancelAppointmentToolArgsSchema.safeParse(args);
  if (!parsed.success) return wrongArgument(parsed.error.issues, { booking_id: 'missing_booking_id' });
  const bookingId = readBookingId(parsed.data.booking_id);
  if (bookingId.kind === 'wrong') return bookingId;
  return { kind: 'read', args: { bookingId: bookingId.args, reason: said(parsed.data.grund, 500) } };
}

/** Crockford's reading of letters people (and speech recognition) confuse with digits */
const CONFUSABLE: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * A booking number as the LLM passes it after hearing it: `bk_7Q2M9XK4`, `BK 7Q2M 9XK4`,
 * `bk-7q2m9xk4`; O, I and L read as 0, 1, 1 as Crockford's alphabet does. Anything else is not a
 * booking number (and never reaches booking).
 */
export function readBookingId(value: string): ReadCommandArgs<string> {
  const trimmed = value.trim();
  if (!trimmed) return { kind: 'wrong', problem: 'missing_booking_id' };
  const compact = trimmed.toUpperCase().replace(/[\s_.-]/g, '');
  const characters = compact.startsWith('BK') ? compact.slice(2) : compact;
  const id = `bk_${[...characters].map((c) => CONFUSABLE[c] ?? c).join('')}`;
  return PublicBookingIdSchema.safeParse(id).success
    ? { kind: 'read', args: id }
    : { kind: 'wrong', problem: 'invalid_booking_id', said: trimmed.slice(0, 40) };
}
