import type { BookingIntentRequestedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CalcomError } from '../calcom/calcom-errors';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import { markUnavailable } from './booking-requests';
import type { RequestOutcome } from './booking-requests';
import { confirmedOutcome, failedOutcome } from './booking-outcomes';
import { findByIdempotencyKey } from './place-booking';

export interface GiveUpDeps {
  db: Sql;
  clock: () => Date;
  /** an intent older than this (since it was produced) whose Cal.com is still unreachable fails */
  giveUpAfterMs: number;
}

/** How long Cal.com must have been unreachable for one intent before it gives up, at most. */
const UNAVAILABLE_AT_LEAST_MS = 10 * 60_000;

/**
 * The give-up policy, for an intent whose Cal.com could not be reached (`error`): gives up on an
 * intent older than `giveUpAfterMs` (since it was produced) at once while the account's breaker is
 * open (many calls failed), otherwise only after Cal.com was unreachable for this intent itself a
 * while, so one failure after a long lag does not end it. Intents queued behind a down Cal.com
 * thus give up together, not one after another. Undefined: keep waiting.
 */
export async function maybeGiveUp(
  intent: BookingIntentRequestedV1,
  producedAt: number,
  error: CalcomError,
  gateway: CalcomGateway,
  createSent: boolean,
  deps: GiveUpDeps,
): Promise<RequestOutcome | undefined> {
  const limit = deps.giveUpAfterMs;
  const age = deps.clock().getTime() - producedAt;
  const unreachableFor = await markUnavailable(deps.db, intent.idempotencyKey);
  if (age < limit) return undefined;
  if (error.code !== 'CALCOM_CIRCUIT_OPEN' && unreachableFor < Math.min(limit, UNAVAILABLE_AT_LEAST_MS))
    return undefined;
  return giveUp(intent, gateway, createSent, age, deps.clock);
}

/**
 * An intent waited longer than `giveUpAfterMs` for an unreachable Cal.com: it fails with
 * `calcom_unavailable`, so its partition moves on and the caller is called back. If a create may
 * have been sent, only a lookup that Cal.com answers can settle it (found: confirmed); while
 * Cal.com cannot even answer that, the intent keeps waiting (undefined).
 */
async function giveUp(
  intent: BookingIntentRequestedV1,
  gateway: CalcomGateway,
  createSent: boolean,
  waitedMs: number,
  clock: () => Date,
): Promise<RequestOutcome | undefined> {
  const detail = `Cal.com unreachable; gave up after ${Math.round(waitedMs / 60_000)} min`;
  if (!createSent) return failedOutcome(intent, clock(), 'calcom_unavailable', detail);
  try {
    const found = await findByIdempotencyKey(gateway, {
      eventTypeId: intent.service.calcomEventTypeId,
      startUtc: intent.requestedStart.utc,
      idempotencyKey: intent.idempotencyKey,
    });
    if (!found) return failedOutcome(intent, clock(), 'calcom_unavailable', detail);
    return confirmedOutcome(intent, clock(), found);
  } catch {
    return undefined;
  }
}
