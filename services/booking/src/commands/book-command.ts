import type { BookingIntentRequestedV1, BookRequestedV1, CommandRefusal, CommandResult } from '@rb/contracts';
import type { FailureReason } from '../booking/booking-outcomes';
import type { RequestOutcome } from '../booking/booking-requests';

/**
 * A live book command as the intent booking's exactly-once path takes (prepare-intent, book-intent,
 * place-booking): the caller chose the start from offered slots and said their name, so every
 * confidence is 1; no staff wish travels live. The number booked under is the one the caller
 * named, else the one they call from. Never published: it lives only inside this handling.
 */
export function intentOf(command: BookRequestedV1): BookingIntentRequestedV1 {
  return {
    type: 'booking.intent-requested.v1',
    callId: command.callId,
    idempotencyKey: command.idempotencyKey,
    attribution: command.attribution,
    service: command.service,
    staffPreference: null,
    requestedStart: command.start,
    customer: { id: null, name: command.customer.name, phone: command.customer.phone ?? command.caller.phone },
    confidence: { date: 1, time: 1, service: 1, name: 1 },
    source: 'live_call',
  };
}

/** A failed booking as the caller hears it: what it means for them, not how it failed. */
const REFUSAL_OF: Record<Exclude<FailureReason, 'no_availability'>, CommandRefusal> = {
  calcom_unauthorized: 'calendar_refused',
  calcom_forbidden: 'calendar_refused',
  event_type_not_found: 'calendar_refused',
  invalid_request: 'slot_not_bookable',
  slot_not_bookable: 'slot_not_bookable',
  calcom_not_configured: 'calcom_not_configured',
  calcom_unavailable: 'calendar_unavailable',
};

/**
 * The answer to a book command from its outcome on booking.outcomes.v1. `publicId`: the handle its
 * request's row holds (a clash may have given it another than publicBookingId of its key).
 */
export function bookResultOf(
  outcome: RequestOutcome,
  command: BookRequestedV1,
  publicId: string | null,
): CommandResult {
  switch (outcome.type) {
    case 'booking.confirmed.v1':
    case 'booking.rescheduled.v1':
      if (!publicId) throw new Error(`booking ${command.idempotencyKey} has no handle in its row`);
      return {
        kind: 'booked',
        appointment: {
          bookingId: publicId,
          start: outcome.booking.start,
          end: outcome.booking.end,
          serviceName: command.service.name,
          status: outcome.booking.status,
        },
      };
    case 'booking.alternatives-offered.v1':
      return { kind: 'slot_taken', alternatives: outcome.alternatives };
    case 'booking.failed.v1':
      // taken, and nothing else free in the search window: no alternatives to offer
      if (outcome.reason === 'no_availability') return { kind: 'slot_taken', alternatives: [] };
      return { kind: 'refused', reason: REFUSAL_OF[outcome.reason], detail: outcome.detail };
    case 'booking.cancelled.v1':
      return { kind: 'refused', reason: 'calendar_refused', detail: 'the booking was cancelled' };
    default:
      return assertNever(outcome);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected outcome ${JSON.stringify(value)}`);
}
