import { z } from 'zod';
import { TenantAttributionSchema } from '../calls/attribution';

/**
 * booking.outcomes.v1 (key: call id): what became of a booking intent, for downstream teams.
 * Every outcome names the intent's idempotency key, the call and the tenant; times are UTC
 * instants plus the branch's local time and zone. One event per change: a booking confirmed
 * and later moved gives `booking.confirmed.v1` then `booking.rescheduled.v1`.
 */
const instant = z.strictObject({
  utc: z.iso.datetime(),
  local: z.iso.datetime({ local: true }),
  timeZone: z.string(),
});
const common = {
  callId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  attribution: TenantAttributionSchema,
  occurredAt: z.iso.datetime({ offset: true }),
};
const calcomBooking = z.strictObject({
  /** Cal.com's booking uid: the handle for every later change */
  uid: z.string().min(1),
  eventTypeId: z.number().int().positive(),
  start: instant,
  end: instant,
  /** `pending` when the event type needs the business to confirm */
  status: z.enum(['accepted', 'pending']),
});

export const BookingConfirmedV1Schema = z.strictObject({
  type: z.literal('booking.confirmed.v1'),
  ...common,
  booking: calcomBooking,
  /**
   * true when the caller's wish was taken and this is an alternative they accepted: the booked start
   * (same event type) is one booking offered earlier in the same call (a live book's `slot_taken`
   * alternatives, or booking.alternatives-offered.v1)
   */
  alternative: z.boolean(),
});

export const BookingAlternativesOfferedV1Schema = z.strictObject({
  type: z.literal('booking.alternatives-offered.v1'),
  ...common,
  requestedStart: instant,
  alternatives: z
    .array(
      z.strictObject({
        start: instant,
        strategy: z.enum([
          'same_day_other_time',
          'next_workday_same_time',
          'next_week_same_day',
          'next_available_workday',
        ]),
      }),
    )
    .max(10),
});

/** Reason codes downstream teams can act on; `detail` is for people, never parsed. */
export const BookingFailureReasonSchema = z.enum([
  /** the wish was taken and no alternative was free in the search window */
  'no_availability',
  /** the tenant's Cal.com credential was refused: the business must reconnect */
  'calcom_unauthorized',
  'calcom_forbidden',
  /** the service's Cal.com event type no longer exists */
  'event_type_not_found',
  /** Cal.com refused our request as invalid (our bug or the tenant's data) */
  'invalid_request',
  /** the tenant has no Cal.com account configured */
  'calcom_not_configured',
  /** the requested time is in the past or outside the booking window */
  'slot_not_bookable',
  /** Cal.com could not be reached for longer than booking waits for an intent: call the customer back */
  'calcom_unavailable',
]);

export const BookingFailedV1Schema = z.strictObject({
  type: z.literal('booking.failed.v1'),
  ...common,
  reason: BookingFailureReasonSchema,
  detail: z.string().max(500),
});

export const BookingCancelledV1Schema = z.strictObject({
  type: z.literal('booking.cancelled.v1'),
  ...common,
  uid: z.string().min(1),
  /** why: the caller cancelled, or we undid a booking whose local record failed (compensation) */
  cause: z.enum(['caller', 'business', 'compensation']),
});

export const BookingRescheduledV1Schema = z.strictObject({
  type: z.literal('booking.rescheduled.v1'),
  ...common,
  /** Cal.com gives a moved booking a new uid; the old one is cancelled */
  fromUid: z.string().min(1),
  booking: calcomBooking,
});

/**
 * The truth check: after a call, the agent's claims about bookings (its tools' answers and its
 * own sentences, see calls.lifecycle.v1 `call.analysed.v1` `claims`) did not match what exists.
 * Emitted once per call that has at least one mismatch; `idempotencyKey` is `<callId>:claims`.
 * Calls whose claims all hold emit nothing here (they are counted in booking's metrics).
 */
export const BookingClaimMismatchV1Schema = z.strictObject({
  type: z.literal('booking.claim-mismatch.v1'),
  ...common,
  mismatches: z
    .array(
      z.strictObject({
        source: z.enum(['tool_result', 'agent_sentence']),
        kind: z.enum(['booked', 'rescheduled', 'cancelled']),
        /**
         * `no_booking`: nothing of this call matches; `other_time`: the call's booking starts at
         * another time; `other_service`: it is for another service; `not_cancelled`: the booking
         * claimed cancelled is still active
         */
        problem: z.enum(['no_booking', 'other_time', 'other_service', 'not_cancelled']),
        claimedStart: instant.optional(),
        /** the booking that exists instead, when there is one */
        actual: z
          .strictObject({ bookingId: z.string().max(32), start: instant, serviceName: z.string().max(200) })
          .optional(),
        language: z.enum(['de', 'en']),
        /** where in the transcript: the tool call's id, or the agent turn's index */
        at: z.string().max(128),
      }),
    )
    .min(1)
    .max(20),
  /** how many claims the call made in all (the ones that held are not listed) */
  claimCount: z.number().int().positive(),
});

export const BookingOutcomeV1Schema = z.discriminatedUnion('type', [
  BookingConfirmedV1Schema,
  BookingAlternativesOfferedV1Schema,
  BookingFailedV1Schema,
  BookingCancelledV1Schema,
  BookingRescheduledV1Schema,
  BookingClaimMismatchV1Schema,
]);
export type BookingOutcomeV1 = z.infer<typeof BookingOutcomeV1Schema>;
