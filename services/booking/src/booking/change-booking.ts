import type { BookingOutcomeV1 } from '@rb/contracts';
import type { Transactions, Sql } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { AccountGateways } from '../calcom/account-gateways';
import type { CalcomBooking } from '../calcom/calcom-client';
import type { CalcomGateway } from '../calcom/calcom-gateway';
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
  // the row stays locked from the check to the record: two changes of one booking take turns
  const result = await deps.transactions(async (sql): Promise<ChangeResult> => {
    const stored = await findByCalcomUid(sql, uid, { lock: true });
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
    let changed: { outcome: BookingOutcomeV1; days: string[] };
    try {
      changed = await applyChange(gateway, stored, uid, change, deps.clock());
    } catch (error) {
      if (!(error instanceof CalcomError)) throw error;
      if (error.retryable) return { ok: false, status: 503, error: 'calcom_unavailable', detail: error.message };
      return { ok: false, status: 422, error: `calcom_${error.kind}`, detail: error.message };
    }
    for (const day of changed.days) await deps.cache.invalidate(company, day);
    await recordOutcome(sql, changed.outcome);
    await appendOutbox(sql, [outcomeEvent(changed.outcome, undefined, deps)]);
    return { ok: true, outcome: changed.outcome };
  });
  if (result.ok) deps.onOutcome?.(result.outcome);
  return result;
}

/**
 * The change in Cal.com. Cal.com refusing it may mean an earlier attempt went through there but
 * was never recorded here (our commit failed): then the booking as Cal.com shows it is recorded
 * (cancelled, or moved to its `rescheduledToUid`) instead of refusing the retry.
 */
async function applyChange(
  gateway: CalcomGateway,
  stored: StoredBooking,
  uid: string,
  change: BookingChange,
  now: Date,
): Promise<{ outcome: BookingOutcomeV1; days: string[] }> {
  const common = {
    callId: stored.callId,
    idempotencyKey: stored.idempotencyKey,
    attribution: stored.attribution,
    occurredAt: now.toISOString(),
  };
  const cancelled = (start: string) => ({
    outcome: {
      type: 'booking.cancelled.v1' as const,
      ...common,
      uid,
      cause: (change as { cause: 'caller' | 'business' }).cause,
    },
    days: [localDay(start, stored)],
  });
  const moved = (to: CalcomBooking) => ({
    outcome: {
      type: 'booking.rescheduled.v1' as const,
      ...common,
      fromUid: uid,
      booking: toOutcomeBooking(to, stored.eventTypeId, stored.timeZone),
    },
    days: [localDay(stored.startUtc, stored), localDay(to.start, stored)],
  });
  try {
    return change.kind === 'cancel'
      ? cancelled((await gateway.cancelBooking(uid, change.reason)).start)
      : moved(await gateway.rescheduleBooking(uid, change.startUtc, change.reason));
  } catch (error) {
    if (!(error instanceof CalcomError) || error.retryable) throw error;
    const current = await gateway.getBooking(uid).catch(() => undefined);
    if (change.kind === 'cancel' && current?.status === 'cancelled') return cancelled(current.start);
    if (change.kind === 'reschedule' && current?.rescheduledToUid) {
      return moved(await gateway.getBooking(current.rescheduledToUid));
    }
    throw error;
  }
}

function localDay(startUtc: string, stored: StoredBooking): string {
  return DateTime.fromISO(startUtc, { zone: 'utc' }).setZone(stored.timeZone).toISODate()!;
}
