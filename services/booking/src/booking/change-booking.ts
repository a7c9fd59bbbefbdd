import type { BookingOutcomeV1 } from '@rb/contracts';
import type { Transactions, Sql } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { AccountGateways } from '../calcom/account-gateways';
import { CalcomError } from '../calcom/calcom-errors';
import type { CredentialCipher } from '../credentials/credential-cipher';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { toOutcomeBooking } from './book-intent';
import type { StoredBooking } from './booking-requests';
import { findByCalcomUid, recordOutcome } from './booking-requests';
import { outcomeEvent } from './booking-intents';

export interface ChangeBookingDeps {
  db: Sql;
  transactions: Transactions;
  cipher: CredentialCipher;
  gateways: AccountGateways;
  cache: RedisAvailabilityCache;
  encode: (topic: string, value: unknown) => Buffer;
  outcomesTopic?: string;
  source: string;
  clock: () => Date;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
}

export type ChangeResult =
  { ok: true; outcome: BookingOutcomeV1 } | { ok: false; status: 404 | 409 | 422 | 503; error: string; detail: string };

export type BookingChange =
  | { kind: 'cancel'; reason: string; cause: 'caller' | 'business' }
  | { kind: 'reschedule'; startUtc: string; reason: string };

/**
 * A business (or the caller, through the business) cancels or moves a booking we made: Cal.com
 * first, then the change is recorded and emitted on booking.outcomes.v1 in one transaction.
 * Only bookings this service made and still holds as confirmed can be changed here.
 */
export async function changeBooking(
  deps: ChangeBookingDeps,
  uid: string,
  change: BookingChange,
): Promise<ChangeResult> {
  const stored = await findByCalcomUid(deps.db, uid);
  if (!stored) return { ok: false, status: 404, error: 'booking_not_found', detail: `no booking ${uid} made by us` };
  if (stored.status !== 'confirmed') {
    return { ok: false, status: 409, error: 'booking_not_confirmed', detail: `booking ${uid} is ${stored.status}` };
  }
  const company = stored.attribution.companyId;
  const account = await loadCalcomAccount(deps.db, company, deps.cipher);
  if (!account) {
    return {
      ok: false,
      status: 409,
      error: 'calcom_not_configured',
      detail: `company ${company} has no Cal.com account`,
    };
  }
  const gateway = deps.gateways.for(company, account);
  const common = {
    callId: stored.callId,
    idempotencyKey: stored.idempotencyKey,
    attribution: stored.attribution,
    occurredAt: deps.clock().toISOString(),
  };
  let outcome: BookingOutcomeV1;
  const days: string[] = [];
  try {
    if (change.kind === 'cancel') {
      const cancelled = await gateway.cancelBooking(uid, change.reason);
      days.push(localDay(cancelled.start, stored));
      outcome = { type: 'booking.cancelled.v1', ...common, uid, cause: change.cause };
    } else {
      const moved = await gateway.rescheduleBooking(uid, change.startUtc, change.reason);
      days.push(localDay(stored.startUtc, stored), localDay(moved.start, stored));
      outcome = {
        type: 'booking.rescheduled.v1',
        ...common,
        fromUid: uid,
        booking: toOutcomeBooking(moved, stored.eventTypeId, stored.timeZone),
      };
    }
  } catch (error) {
    if (!(error instanceof CalcomError)) throw error;
    if (error.retryable) return { ok: false, status: 503, error: 'calcom_unavailable', detail: error.message };
    return { ok: false, status: 422, error: `calcom_${error.kind}`, detail: error.message };
  }
  for (const day of days) await deps.cache.invalidate(company, day);
  await deps.transactions(async (sql) => {
    await recordOutcome(sql, outcome);
    await appendOutbox(sql, [outcomeEvent(outcome, undefined, deps)]);
  });
  deps.onOutcome?.(outcome);
  return { ok: true, outcome };
}

function localDay(startUtc: string, stored: StoredBooking): string {
  return DateTime.fromISO(startUtc, { zone: 'utc' }).setZone(stored.timeZone).toISODate()!;
}
