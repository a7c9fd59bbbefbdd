import { randomUUID } from 'node:crypto';
import type { BookingIntentRequestedV1, EventEnvelope } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { DependencyUnavailableError } from '@rb/kafka-runner';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { Branch } from '../alternatives/find-alternatives';
import type { AccountGateways } from '../calcom/account-gateways';
import { CalcomError } from '../calcom/calcom-errors';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { CredentialCipher } from '../credentials/credential-cipher';
import { loadBranch } from '../directory/branch-directory';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { bookIntent } from './book-intent';
import { failedOutcome } from './booking-outcomes';
import {
  IntentLeasedError,
  markCreateSent,
  openRequest,
  releaseLease,
  requestFacts,
  SETTLED,
} from './booking-requests';
import { claimCall } from './call-claims.repository';
import type { RequestOutcome } from './booking-requests';
import { maybeGiveUp } from './give-up';
import { hasParked } from './parked-intents.repository';
import { parkingFor, toRunnerError } from './runner-errors';

/** `parked`: a re-drive of the parked event with this id (see redrive-parked.ts) */
export type Intent =
  | { kind: 'intent'; intent: BookingIntentRequestedV1; envelope: EventEnvelope; parked?: { id: string } }
  | { kind: 'other' };
/** why an intent waits in `parked_intents`: its Cal.com's failure kind, or `behind_parked` (its call's order) */
export type Park = { kind: 'park'; reason: string; retryAfterMs: number };
export type Prepared =
  | { kind: 'nothing' }
  /**
   * the other side claimed the call first: a post-call intent of a call its live commands claimed,
   * or a live book (about to create) of a call its post-call intent claimed; settled without
   * booking or outcome
   */
  | { kind: 'superseded' }
  | {
      kind: 'outcome';
      outcome: RequestOutcome;
      cause: EventEnvelope;
      gateway?: CalcomGateway;
      /** the `bk_…` handle the request's row holds (what a live answer names the booking by) */
      publicId: string | null;
    }
  | Park;

export interface PrepareIntentDeps {
  /** statements outside the consumer's transaction (the request row and its "create sent" mark) */
  db: Sql;
  cipher: CredentialCipher;
  gateways: AccountGateways;
  cache: RedisAvailabilityCache;
  clock: () => Date;
  searchWindowDays: number;
  alternativesCount: number;
  /** CALLER_INDEX_KEY (undefined: the caller digest is an unkeyed hash) */
  callerKey: Buffer | undefined;
  /** an intent older than this whose Cal.com is still unreachable fails with `calcom_unavailable` */
  giveUpAfterMs?: number;
  /** the intent's branch is not (yet) in booking's read model: defaults were used */
  onBranchUnknown?: (branchId: string) => void;
}

export type Lease = { owner: string; seconds: number };

/** one owner per process; renewed before a create, so it need only outlast one step's timeouts and retries */
export const DEFAULT_LEASE: Lease = { owner: `booking-${randomUUID()}`, seconds: 60 };

/**
 * The Cal.com part of an intent's handling, before the consumer's transaction: its outcome (made
 * safe by the intent's idempotency key and the request row's "create sent" mark), nothing (it is
 * settled), or a park (its Cal.com is unavailable, or an earlier event of its call is parked).
 */
export function makePrepareIntent(deps: PrepareIntentDeps, lease: Lease) {
  // intents this process is talking to Cal.com about: the lease is per process, so two handlers
  // of one intent here (a partition given back after a rebalance while a slow intent is still
  // running, or a re-drive) are kept apart by this; released when `prepare` ends, however it ends
  const inFlight = new Map<string, number>();

  return async function prepare(event: Extract<Intent, { kind: 'intent' }>, producedAt: number): Promise<Prepared> {
    const { intent, envelope } = event;
    // a call's events stay in order: one behind a parked event of its call is parked too
    if (!event.parked && (await hasParked(deps.db, intent.callId))) {
      return { kind: 'park', reason: 'behind_parked', retryAfterMs: 0 };
    }
    const key = intent.idempotencyKey;
    const since = inFlight.get(key);
    if (since !== undefined && Date.now() - since < lease.seconds * 1000) {
      throw new DependencyUnavailableError('INTENT_IN_FLIGHT', `intent ${key} is being handled here`, 2_000);
    }
    inFlight.set(key, Date.now());
    try {
      return await prepareIntent(intent, envelope, producedAt);
    } catch (error) {
      // its Cal.com is unavailable: parked, so the partition moves on; a re-drive stays parked,
      // its lease let go for whichever replica re-drives it next
      const park = parkingFor(error);
      if (park && !event.parked) return { kind: 'park', ...park };
      if (park) await releaseLease(deps.db, key, lease.owner).catch(() => undefined);
      throw error;
    } finally {
      // whatever the outcome, and whether or not the transaction ever applies it: a second
      // handler from here finds the "create sent" mark (or the recorded outcome) and looks up
      inFlight.delete(key);
    }
  };

  async function prepareIntent(
    intent: BookingIntentRequestedV1,
    envelope: EventEnvelope,
    producedAt: number,
  ): Promise<Prepared> {
    let request;
    try {
      request = await openRequest(deps.db, intent, lease, requestFacts(intent, deps.callerKey));
    } catch (error) {
      throw leasedToPause(error);
    }
    if (SETTLED.has(request.status)) return { kind: 'nothing' };
    // one booking per call: a post-call intent books only if the live call did not claim it first;
    // a live book claims the call right before its create (below), so one that is refused or
    // finds its slot taken leaves the call to the post-call intent
    const live = intent.source === 'live_call';
    if (!live) {
      const claim = await claimCall(deps.db, intent.callId, 'intent', intent.idempotencyKey);
      if (claim.source === 'live') return { kind: 'superseded' };
    }
    const company = intent.attribution.companyId;
    const account = await loadCalcomAccount(deps.db, company, deps.cipher);
    if (!account) {
      const detail = `company ${company} has no Cal.com account`;
      return {
        kind: 'outcome',
        cause: envelope,
        outcome: failedOutcome(intent, deps.clock(), 'calcom_not_configured', detail),
        publicId: request.publicId,
      };
    }
    const gateway = deps.gateways.for(company, account);
    // a create may reach Cal.com: since an earlier attempt, or from this one on
    let createSent = request.createSent;
    try {
      const outcome = await bookIntent(
        intent,
        {
          gateway,
          account: company,
          cache: deps.cache,
          branch: await branchOf(deps, intent),
          clock: deps.clock,
          searchWindowDays: deps.searchWindowDays,
          alternativesCount: deps.alternativesCount,
          ...(account.fallbackEmail ? { fallbackEmail: account.fallbackEmail } : {}),
          beforeCreate: async () => {
            await markCreateSent(deps.db, intent.idempotencyKey, lease);
            createSent = true;
            // after the mark, so a sibling book's releaseLiveClaim sees this one in flight
            if (live && (await claimCall(deps.db, intent.callId, 'live', intent.idempotencyKey)).source === 'intent') {
              throw new CallClaimedByIntent(intent.callId);
            }
          },
        },
        request.createSent,
      );
      return { kind: 'outcome', outcome, cause: envelope, gateway, publicId: request.publicId };
    } catch (error) {
      // the post-call intent claimed the call after this book's first look: no create was sent
      if (error instanceof CallClaimedByIntent) return { kind: 'superseded' };
      if (unavailable(error) && deps.giveUpAfterMs !== undefined) {
        const giveUpAfterMs = deps.giveUpAfterMs;
        const outcome = await maybeGiveUp(intent, producedAt, error, gateway, createSent, { ...deps, giveUpAfterMs });
        if (outcome) return { kind: 'outcome', outcome, cause: envelope, gateway, publicId: request.publicId };
      }
      throw toRunnerError(leasedToPause(error));
    }
  }
}

/** A live book's call was claimed by its post-call intent: the book creates nothing. */
class CallClaimedByIntent extends Error {
  constructor(callId: string) {
    super(`call ${callId} is booked by its post-call intent`);
  }
}

/** Another replica works on the intent: come back when it should be done (or its lease ran out). */
function leasedToPause(error: unknown): unknown {
  return error instanceof IntentLeasedError
    ? new DependencyUnavailableError(error.code, error.message, 5_000, { cause: error })
    : error;
}

/** Cal.com itself cannot be reached (as opposed to refusing us, or our own bulkhead being full). */
function unavailable(error: unknown): error is CalcomError {
  return error instanceof CalcomError && error.unreachable;
}

/** The branch from booking's read model; if it has not arrived yet, the intent's zone, Monday to Friday. */
async function branchOf(deps: PrepareIntentDeps, intent: BookingIntentRequestedV1): Promise<Branch> {
  const branch = await loadBranch(deps.db, intent.attribution.branchId);
  if (branch) return branch;
  deps.onBranchUnknown?.(intent.attribution.branchId);
  return { timeZone: intent.requestedStart.timeZone, workingDays: [1, 2, 3, 4, 5], federalState: null };
}
