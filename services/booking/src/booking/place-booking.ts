import type { CalcomBooking, CreateBookingRequest } from '../calcom/calcom-client';
import { BookingError } from '../booking-error';
import { CalcomError } from '../calcom/calcom-errors';
import type { CalcomGateway } from '../calcom/calcom-gateway';

/** The metadata key that carries our idempotency key on every booking we create. */
export const IDEMPOTENCY_METADATA_KEY = 'idempotencyKey';

export type Placement =
  | {
      kind: 'booked';
      booking: CalcomBooking;
      /** found by its idempotency key instead of created now */ reconciled: boolean;
    }
  | { kind: 'slot_unavailable'; error: CalcomError };

export interface PlaceBookingInput {
  request: CreateBookingRequest & { metadata: { [IDEMPOTENCY_METADATA_KEY]: string } };
  durationMinutes: number;
  /**
   * true when an earlier attempt may have reached Cal.com (its answer was lost to a timeout, a
   * 5xx or a crash after sending): then the booking is looked up before anything is created
   */
  mayHaveBeenSent: boolean;
  /**
   * Called (and awaited) right before a create is sent: where the caller durably records that
   * the booking may exist from now on, so that a crash after this point leads to a lookup
   */
  beforeCreate?: () => Promise<void>;
}

/**
 * Creates a Cal.com booking at most once for an idempotency key. Cal.com has no idempotency
 * header, so the key travels in the booking's metadata, and whenever an earlier attempt's
 * outcome is unknown the booking is looked up by it first. A create whose outcome is unknown
 * again is looked up once more and otherwise thrown, to be retried later with
 * `mayHaveBeenSent: true`. A "slot taken" answer after an unknown outcome is checked against our
 * own booking first: it may be ours.
 */
export async function placeBooking(gateway: CalcomGateway, input: PlaceBookingInput): Promise<Placement> {
  const key = input.request.metadata[IDEMPOTENCY_METADATA_KEY];
  const lookup = { eventTypeId: input.request.eventTypeId, startUtc: input.request.startUtc, idempotencyKey: key };
  if (input.mayHaveBeenSent) {
    const existing = await findByIdempotencyKey(gateway, lookup);
    if (existing) return { kind: 'booked', booking: existing, reconciled: true };
  }
  await input.beforeCreate?.();
  try {
    return { kind: 'booked', booking: await gateway.createBooking(input.request), reconciled: false };
  } catch (error) {
    if (!(error instanceof CalcomError)) throw error;
    if (error.outcomeUnknown || (error.code === 'CALCOM_SLOT_UNAVAILABLE' && input.mayHaveBeenSent)) {
      const existing = await findByIdempotencyKey(gateway, lookup);
      if (existing) return { kind: 'booked', booking: existing, reconciled: true };
      if (error.outcomeUnknown) {
        throw new CalcomError(error.kind, `${error.message} (booking ${key} not found; retry after a lookup)`, {
          status: error.status,
          calcomCode: error.calcomCode,
          retryAfterSeconds: error.retryAfterSeconds,
          requestId: error.requestId,
          cause: error,
        });
      }
    }
    if (error.code === 'CALCOM_SLOT_UNAVAILABLE') return { kind: 'slot_unavailable', error };
    throw error;
  }
}

/** The page size of a lookup; a day with more bookings of the event type is read page by page. */
const LOOKUP_PAGE = 100;

/**
 * A lookup of our own booking failed in a way that is not Cal.com being down (a refused key, a
 * bad request): whether the booking exists is unknown, so nothing may be settled on it. Not a
 * CalcomError on purpose: the runner retries it and then dead-letters it, with the reason.
 */
export class LookupFailedError extends BookingError<'CALCOM_LOOKUP_FAILED'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CALCOM_LOOKUP_FAILED', message, options);
  }
}

/** What finding our booking needs: where it would start, and the key it carries in its metadata. */
export interface BookingLookup {
  eventTypeId: number;
  startUtc: string;
  idempotencyKey: string;
}

/**
 * Our booking for this idempotency key, if Cal.com has one (pending or accepted). Matched on
 * the metadata key among the event type's bookings starting at the wished minute, whatever
 * length Cal.com gave them (the event type's own, which may differ from the directory's).
 */
export async function findByIdempotencyKey(
  gateway: CalcomGateway,
  lookup: BookingLookup,
): Promise<CalcomBooking | undefined> {
  const start = Date.parse(lookup.startUtc);
  const key = lookup.idempotencyKey;
  for (let skip = 0; ; skip += LOOKUP_PAGE) {
    let page: CalcomBooking[];
    try {
      page = await gateway.listBookings({
        eventTypeId: lookup.eventTypeId,
        afterStart: new Date(start - 60_000).toISOString(),
        beforeEnd: new Date(start + 24 * 3600_000).toISOString(),
        status: ['upcoming', 'unconfirmed'],
        take: LOOKUP_PAGE,
        ...(skip > 0 ? { skip } : {}),
      });
    } catch (error) {
      if (error instanceof CalcomError && !error.retryable) {
        throw new LookupFailedError(`looking up booking ${key} failed (${error.kind}): ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    const ours = page.find((b) => b.metadata?.[IDEMPOTENCY_METADATA_KEY] === key);
    if (ours) return ours;
    if (page.length < LOOKUP_PAGE) return undefined;
  }
}
