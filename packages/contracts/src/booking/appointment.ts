import { z } from 'zod';

/** A point in time as booking reports it: the UTC instant, the branch's local time and its zone. */
export const InstantSchema = z.strictObject({
  utc: z.iso.datetime(),
  local: z.iso.datetime({ local: true }),
  timeZone: z.string(),
});
export type Instant = z.infer<typeof InstantSchema>;

/**
 * The handle a caller (and the agent) uses for a booking this system made: `bk_` and 8 letters
 * or digits of Crockford's alphabet, short enough to read out. Stable across a move (the Cal.com
 * uid changes when a booking is rescheduled; this does not). Never carries personal data.
 */
export const PublicBookingIdSchema = z.string().regex(/^bk_[0-9A-HJKMNP-TV-Z]{8}$/, 'expected bk_ and 8 characters');

/** A booking as the live call shows it: what the caller booked, when, and whether the business must confirm it. */
export const AppointmentSchema = z.strictObject({
  bookingId: PublicBookingIdSchema,
  start: InstantSchema,
  end: InstantSchema,
  serviceName: z.string().max(200),
  /** `pending` when the event type needs the business to confirm */
  status: z.enum(['accepted', 'pending']),
});
export type Appointment = z.infer<typeof AppointmentSchema>;
