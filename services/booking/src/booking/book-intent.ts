import { DateTime } from 'luxon';
import { redactPersonalData } from '@rb/kafka-runner';
import type { BookingIntentRequestedV1 } from '@rb/contracts';
import type { Branch } from '../alternatives/find-alternatives';
import { findAlternatives } from '../alternatives/find-alternatives';
import { CalcomError } from '../calcom/calcom-errors';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import type { FailureReason } from './booking-outcomes';
import { alternativesOutcome, confirmedOutcome, failedOutcome } from './booking-outcomes';
import { IDEMPOTENCY_METADATA_KEY, placeBooking } from './place-booking';
import type { RequestOutcome } from './booking-requests';

export interface BookIntentDeps {
  gateway: CalcomGateway;
  /** the Cal.com account the tenant books in (cache and budget key) */
  account: string;
  cache: RedisAvailabilityCache;
  branch: Branch;
  clock: () => Date;
  searchWindowDays?: number;
  alternativesCount?: number;
  /** when the caller has no phone number, the address the tenant configured for Cal.com (never made up) */
  fallbackEmail?: string;
  /** see `PlaceBookingInput.beforeCreate`: records durably that a create is about to be sent */
  beforeCreate?: () => Promise<void>;
}

/**
 * One booking intent → one outcome: book the wished slot exactly once; if it is taken, offer
 * ranked alternatives from the free slots of the search window (or fail with `no_availability`);
 * a tenant whose Cal.com account refuses us fails with a reason, without blocking anyone else.
 * Failures worth retrying (Cal.com down, rate limits, unknown outcomes) are thrown for the runner
 * to retry or pause on; retries pass `mayHaveBeenSent` so the booking is looked up first.
 */
export async function bookIntent(
  intent: BookingIntentRequestedV1,
  deps: BookIntentDeps,
  mayHaveBeenSent: boolean,
): Promise<RequestOutcome> {
  const now = deps.clock();
  const zone = intent.requestedStart.timeZone;
  // the detail is free text that may quote Cal.com: never the caller (name, number, address) in it
  const personal = [intent.customer.name, intent.customer.phone, deps.fallbackEmail];
  const failed = (reason: FailureReason, detail: string) =>
    failedOutcome(intent, now, reason, redactPersonalData(detail, personal));

  if (!DateTime.now().setZone(zone).isValid)
    return failed('invalid_request', `unknown time zone "${zone.slice(0, 64)}"`);
  const phone = intent.customer.phone ?? undefined;
  if (!phone && !deps.fallbackEmail) {
    return failed('invalid_request', 'the caller has no phone number and the tenant configured no fallback email');
  }
  try {
    if (!mayHaveBeenSent && (await knownTaken(intent, deps))) return await offerAlternatives(intent, deps, now);
    const placed = await placeBooking(deps.gateway, {
      request: {
        eventTypeId: intent.service.calcomEventTypeId,
        startUtc: intent.requestedStart.utc,
        attendee: {
          name: intent.customer.name ?? 'Anrufer',
          timeZone: zone,
          ...(phone ? { phoneNumber: phone } : { email: deps.fallbackEmail }),
          language: 'de',
        },
        metadata: {
          [IDEMPOTENCY_METADATA_KEY]: intent.idempotencyKey,
          callId: intent.callId,
          companyId: intent.attribution.companyId,
          branchId: intent.attribution.branchId,
          // Cal.com's v2 create has no host choice outside routing forms: the wish travels with
          // the booking, for the business to see (a staff member's own event type is a service)
          ...(intent.staffPreference ? { preferredStaff: intent.staffPreference.name.slice(0, 500) } : {}),
        },
      },
      durationMinutes: intent.service.durationMinutes,
      mayHaveBeenSent,
      ...(deps.beforeCreate ? { beforeCreate: deps.beforeCreate } : {}),
    });
    if (placed.kind === 'booked') {
      const day = DateTime.fromISO(placed.booking.start, { zone: 'utc' }).setZone(zone).toISODate()!;
      await deps.cache.markBooked(deps.account, day, placed.booking.start, placed.booking.end);
      return confirmedOutcome(intent, now, placed.booking);
    }
    return await offerAlternatives(intent, deps, now);
  } catch (error) {
    if (!(error instanceof CalcomError)) throw error;
    switch (error.code) {
      case 'CALCOM_UNAUTHORIZED':
        return failed('calcom_unauthorized', error.message);
      case 'CALCOM_FORBIDDEN':
        return failed('calcom_forbidden', error.message);
      case 'CALCOM_NOT_FOUND':
        return failed('event_type_not_found', error.message);
      case 'CALCOM_INVALID_REQUEST':
        return failed('invalid_request', error.message);
      default:
        throw error;
    }
  }
}

/**
 * The warm cache already says the wished start is not free (someone booked it, or we did): no
 * create that Cal.com would refuse. A cold cache says nothing and costs nothing: the create
 * decides. Within the cache's short TTL a slot freed outside our service may be missed.
 */
async function knownTaken(intent: BookingIntentRequestedV1, deps: BookIntentDeps): Promise<boolean> {
  const zone = intent.requestedStart.timeZone;
  const wish = DateTime.fromISO(intent.requestedStart.utc, { zone: 'utc' });
  const free = await deps.cache.peek(
    deps.account,
    intent.service.calcomEventTypeId,
    wish.setZone(zone).toISODate()!,
    intent.service.durationMinutes,
  );
  return free !== undefined && !free.some((start) => Date.parse(start) === wish.toMillis());
}

async function offerAlternatives(
  intent: BookingIntentRequestedV1,
  deps: BookIntentDeps,
  now: Date,
): Promise<RequestOutcome> {
  const zone = intent.requestedStart.timeZone;
  const windowDays = deps.searchWindowDays ?? 7;
  const wishDay = DateTime.fromISO(intent.requestedStart.utc, { zone: 'utc' }).setZone(zone).startOf('day');
  const free = await deps.cache.freeStarts(
    deps.account,
    intent.service.calcomEventTypeId,
    wishDay.toISODate()!,
    wishDay.plus({ days: windowDays }).toISODate()!,
    zone,
    (query) => deps.gateway.slots(query),
    intent.service.durationMinutes,
  );
  const alternatives = findAlternatives({
    wishedStartUtc: intent.requestedStart.utc,
    freeStartsUtc: [...free.values()].flat(),
    branch: deps.branch,
    windowDays,
    count: deps.alternativesCount ?? 3,
    nowUtc: deps.clock().toISOString(),
  });
  if (alternatives.length === 0) {
    const detail = `the wished time is taken and nothing is free within ${windowDays} days`;
    return failedOutcome(intent, now, 'no_availability', detail);
  }
  return alternativesOutcome(
    intent,
    now,
    alternatives.map((a) => ({
      start: { utc: a.startUtc, local: a.startLocal, timeZone: zone },
      strategy: a.strategy,
    })),
  );
}
