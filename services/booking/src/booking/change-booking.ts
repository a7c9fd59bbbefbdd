import type { BookingOutcomeV1 } from '@rb/contracts';
import type { Transactions } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { CalcomBooking } from '../calcom/calcom-client';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { CalcomFailureKind } from '../calcom/calcom-errors';
import { CalcomError } from '../calcom/calcom-errors';
import type { AccountGateways } from '../calcom/account-gateways';
import type { CredentialCipher } from '../credentials/credential-cipher';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import type { OutcomeFraming } from './booking-outcomes';
import { cancelledOutcome, outcomeEvent, rescheduledOutcome, toOutcomeBooking } from './booking-outcomes';
import type { RequestOutcome, StoredBooking } from './booking-requests';
import { findByCalcomUid, recordOutcome } from './booking-requests';

/** What a change needs: the same parts an intent's handling uses. */
export interface ChangeBookingDeps extends OutcomeFraming {
  transactions: Transactions;
  cipher: CredentialCipher;
  gateways: AccountGateways;
  cache: RedisAvailabilityCache;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
}

/** Why a change was not made, as a stable code (the admin API answers it as `error`). */
export type ChangeRefusal =
  | 'booking_not_found'
  | 'booking_not_confirmed'
  /** another change of the same booking holds it now */
  | 'change_in_progress'
  /** an earlier, unrecorded change moved it: recorded now, and the caller must change the new one */
  | 'booking_moved'
  | 'calcom_not_configured'
  /** Cal.com is down (or our guards hold calls to it back): try again later */
  | 'calcom_unavailable';

/** What a change came to: made, refused by us, or refused by Cal.com (`failure` says how). */
export type ChangeResult =
  | { kind: 'changed'; outcome: RequestOutcome }
  | { kind: 'refused'; code: ChangeRefusal; detail: string }
  | { kind: 'calcom_refused'; failure: CalcomFailureKind; detail: string };

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
  // the row stays locked from the check to the record; a second change of the same booking
  // meanwhile is refused at once (409) rather than waiting with a connection held
  let emitted: RequestOutcome | undefined;
  const result = await deps.transactions(async (sql): Promise<ChangeResult> => {
    let stored: StoredBooking | undefined;
    try {
      stored = await findByCalcomUid(sql, uid, { lock: true });
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      return refused('change_in_progress', `booking ${uid} is being changed`);
    }
    if (!stored) return refused('booking_not_found', `no booking ${uid} made by us`);
    if (stored.status !== 'confirmed') return refused('booking_not_confirmed', `booking ${uid} is ${stored.status}`);
    const company = stored.attribution.companyId;
    // on this transaction's connection: a second one per change could exhaust the pool
    const account = await loadCalcomAccount(sql, company, deps.cipher);
    if (!account) return refused('calcom_not_configured', `company ${company} has no Cal.com account`);
    const gateway = deps.gateways.for(company, account);
    let changed: Changed;
    try {
      changed = await applyChange(gateway, stored, uid, change, deps.clock());
    } catch (error) {
      if (!(error instanceof CalcomError)) throw error;
      // Cal.com's unavailability as calcom-errors.ts decides it (the consumer pauses on the same)
      if (error.retryable) return refused('calcom_unavailable', error.message);
      return { kind: 'calcom_refused', failure: error.kind, detail: error.message };
    }
    for (const day of changed.days) await deps.cache.invalidate(company, day);
    await recordOutcome(sql, changed.outcome);
    await appendOutbox(sql, [outcomeEvent(changed.outcome, undefined, deps)]);
    emitted = changed.outcome;
    return changed.refusal ?? { kind: 'changed', outcome: changed.outcome };
  });
  if (emitted) deps.onOutcome?.(emitted);
  return result;
}

const refused = (code: ChangeRefusal, detail: string): ChangeResult => ({ kind: 'refused', code, detail });

/** PostgreSQL: FOR UPDATE NOWAIT met a row another transaction holds. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * What Cal.com did, to record; with `refusal` when that is not what was asked (an earlier,
 * unrecorded change moved the booking elsewhere): recorded all the same, then refused.
 */
interface Changed {
  outcome: RequestOutcome;
  days: string[];
  refusal?: ChangeResult;
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
): Promise<Changed> {
  const cancelled = (start: string) => ({
    outcome: cancelledOutcome(stored, now, uid, (change as { cause: 'caller' | 'business' }).cause),
    days: [localDay(start, stored)],
  });
  const moved = (to: CalcomBooking) => ({
    outcome: rescheduledOutcome(stored, now, uid, toOutcomeBooking(to, stored.eventTypeId, stored.timeZone)),
    days: [localDay(stored.startUtc, stored), localDay(to.start, stored)],
  });
  try {
    return change.kind === 'cancel'
      ? cancelled((await gateway.cancelBooking(uid, change.reason)).start)
      : moved(await gateway.rescheduleBooking(uid, change.startUtc, change.reason));
  } catch (error) {
    if (!(error instanceof CalcomError) || error.retryable) throw error;
    const current = await gateway.getBooking(uid).catch(() => undefined);
    if (current?.rescheduledToUid) {
      // moved by an earlier attempt (a moved booking shows as cancelled too): record the move
      const to = await gateway.getBooking(current.rescheduledToUid);
      const move = moved(to);
      if (change.kind === 'reschedule' && Date.parse(to.start) === Date.parse(change.startUtc)) return move;
      const detail = `booking ${uid} was moved to ${to.uid} at ${to.start}; change that one`;
      return { ...move, refusal: refused('booking_moved', detail) };
    }
    if (change.kind === 'cancel' && current?.status === 'cancelled') return cancelled(current.start);
    throw error;
  }
}

function localDay(startUtc: string, stored: StoredBooking): string {
  return DateTime.fromISO(startUtc, { zone: 'utc' }).setZone(stored.timeZone).toISODate()!;
}
