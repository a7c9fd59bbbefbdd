import { z } from 'zod';
import { TenantAttributionSchema } from '../calls/attribution';
import { InstantSchema, PublicBookingIdSchema } from './appointment';

/**
 * booking.commands.v1 (key: call id): what the agent asked booking to do while the caller is on
 * the line (Retell's book_appointment, reschedule_appointment, cancel_appointment), written by
 * ingress, executed by booking through the same exactly-once path as post-call intents.
 *
 * - `commandId` is the correlation id of this one request: booking's answer on
 *   booking.command-results.v1 names it, and the ingress replica that asked waits for it.
 * - `idempotencyKey` names the effect: the same call asking for the same thing (Retell's
 *   `max_retry`, the LLM invoking a tool twice, a redelivery) carries the same key, gets one
 *   booking and is answered with the first answer again.
 * - `caller.phone` is the number the call came from (null on web calls): a booking is found,
 *   moved or cancelled only for the same number at the same company.
 */
const common = {
  callId: z.string().min(1).max(128),
  commandId: z.uuid(),
  idempotencyKey: z.string().min(1).max(200),
  attribution: TenantAttributionSchema,
  caller: z.strictObject({ phone: z.string().max(32).nullable() }),
  requestedAt: z.iso.datetime({ offset: true }),
};

export const BookRequestedV1Schema = z.strictObject({
  type: z.literal('booking.book-requested.v1'),
  ...common,
  service: z.strictObject({
    id: z.uuid(),
    name: z.string().max(200),
    calcomEventTypeId: z.number().int().positive(),
    durationMinutes: z.number().int().positive(),
  }),
  /** the start the caller chose from check_availability's slot ids */
  start: InstantSchema,
  customer: z.strictObject({
    name: z.string().min(1).max(200),
    /** the number to book under: the caller's unless they named another */
    phone: z.string().max(32).nullable(),
  }),
  note: z.string().max(500).nullable(),
});

export const RescheduleRequestedV1Schema = z.strictObject({
  type: z.literal('booking.reschedule-requested.v1'),
  ...common,
  bookingId: PublicBookingIdSchema,
  newStart: InstantSchema,
  reason: z.string().max(500).nullable(),
});

export const CancelRequestedV1Schema = z.strictObject({
  type: z.literal('booking.cancel-requested.v1'),
  ...common,
  bookingId: PublicBookingIdSchema,
  reason: z.string().max(500).nullable(),
});

export const BookingCommandV1Schema = z.discriminatedUnion('type', [
  BookRequestedV1Schema,
  RescheduleRequestedV1Schema,
  CancelRequestedV1Schema,
]);
export type BookingCommandV1 = z.infer<typeof BookingCommandV1Schema>;
export type BookRequestedV1 = z.infer<typeof BookRequestedV1Schema>;
export type RescheduleRequestedV1 = z.infer<typeof RescheduleRequestedV1Schema>;
export type CancelRequestedV1 = z.infer<typeof CancelRequestedV1Schema>;
