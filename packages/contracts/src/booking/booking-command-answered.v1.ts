import { z } from 'zod';
import { AlternativeStrategySchema } from '../internal/availability-query';
import { AppointmentSchema, InstantSchema, PublicBookingIdSchema } from './appointment';

/**
 * Why booking did not do what a command asked, as a stable code ingress turns into a sentence.
 * `detail` beside it is for people and logs, never parsed, never read out.
 */
export const CommandRefusalSchema = z.enum([
  /** no booking with that id at this company, or not one made for the caller's number */
  'booking_not_found',
  /** the call has no caller number (a web call, a withheld number): nothing can be found or changed */
  'caller_unknown',
  /** the booking is already cancelled (or was moved and the old id is gone) */
  'booking_not_active',
  /** another change of the same booking is running now */
  'change_in_progress',
  /** the post-call booking of this call was made before this command arrived: it is the call's booking */
  'call_already_booked',
  /** Cal.com refuses to cancel or move this late (the business's cancellation window) */
  'cancellation_window_passed',
  /** the time is in the past or outside what the business lets callers book */
  'slot_not_bookable',
  /** the business's calendar refused us (credential, event type, configuration): the business must act */
  'calendar_refused',
  /** the business has no Cal.com account configured */
  'calcom_not_configured',
  /** Cal.com does not answer now; the command was not carried out */
  'calendar_unavailable',
]);
export type CommandRefusal = z.infer<typeof CommandRefusalSchema>;

export const CommandResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('booked'), appointment: AppointmentSchema }),
  z.strictObject({ kind: z.literal('rescheduled'), appointment: AppointmentSchema }),
  z.strictObject({ kind: z.literal('cancelled'), bookingId: PublicBookingIdSchema, start: InstantSchema }),
  /** the chosen start is no longer free: ranked alternatives around it (may be empty) */
  z.strictObject({
    kind: z.literal('slot_taken'),
    alternatives: z.array(z.strictObject({ start: InstantSchema, strategy: AlternativeStrategySchema })).max(10),
  }),
  z.strictObject({ kind: z.literal('refused'), reason: CommandRefusalSchema, detail: z.string().max(500) }),
]);
export type CommandResult = z.infer<typeof CommandResultSchema>;

/**
 * booking.command-results.v1 (key: call id): booking's answer to one command of
 * booking.commands.v1, for the ingress replica that is waiting for it (matched on `commandId`).
 * A command whose effect already happened (same `idempotencyKey`) is answered again with the
 * first result under the new `commandId`. Internal: downstream teams read booking.outcomes.v1.
 */
export const BookingCommandAnsweredV1Schema = z.strictObject({
  type: z.literal('booking.command-answered.v1'),
  callId: z.string().min(1).max(128),
  commandId: z.uuid(),
  idempotencyKey: z.string().min(1).max(200),
  command: z.enum(['book', 'reschedule', 'cancel']),
  /** true when this answers a repetition of an earlier command with the same idempotency key */
  repeated: z.boolean(),
  result: CommandResultSchema,
  answeredAt: z.iso.datetime({ offset: true }),
});
export type BookingCommandAnsweredV1 = z.infer<typeof BookingCommandAnsweredV1Schema>;

/** Value schema of booking.command-results.v1. */
export const BookingCommandResultEventSchema = z.discriminatedUnion('type', [BookingCommandAnsweredV1Schema]);
export type BookingCommandResultEvent = z.infer<typeof BookingCommandResultEventSchema>;
