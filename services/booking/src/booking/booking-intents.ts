import { randomUUID } from 'node:crypto';
import type { BookingIntentEvent, BookingIntentRequestedV1, BookingOutcomeV1, EventEnvelope } from '@rb/contracts';
import { BookingIntentEventSchema, fromKafkaHeaders, readFramedJson, TOPICS, toKafkaHeaders } from '@rb/contracts';
import type { ConsumedMessage, MessageHandler, OutboxEvent, RunnerError, Sql, Transactions } from '@rb/kafka-runner';
import { appendOutbox, DependencyUnavailableError, PoisonMessageError } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { Branch } from '../alternatives/find-alternatives';
import type { AccountGateways } from '../calcom/account-gateways';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { CredentialCipher } from '../credentials/credential-cipher';
import { loadBranch } from '../directory/branch-directory';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { CalcomError } from '../calcom/calcom-errors';
import { bookIntent, toOutcomeBooking } from './book-intent';
import { findByIdempotencyKey, IDEMPOTENCY_METADATA_KEY } from './place-booking';
import {
  IntentLeasedError,
  markCreateSent,
  markUnavailable,
  openRequest,
  recordOutcome,
  settleIntent,
  releaseLease,
  SETTLED,
} from './booking-requests';
import { hasParked, parkIntent, unpark } from './parked-intents.repository';
import { parkingFor, toRunnerError } from './runner-errors';

export interface BookingIntentsDeps {
  /** statements outside the consumer's transaction (the request row and its "create sent" mark) */
  db: Sql;
  /** the compensation's own transaction (the consumer's could not commit) */
  transactions: Transactions;
  cipher: CredentialCipher;
  gateways: AccountGateways;
  cache: RedisAvailabilityCache;
  encode: (topic: string, value: unknown) => Buffer;
  /** booking.outcomes.v1 (tests use their own) */
  outcomesTopic?: string;
  source: string;
  clock: () => Date;
  searchWindowDays: number;
  alternativesCount: number;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
  /** who holds an intent's lease while talking to Cal.com about it (one id per process) */
  lease?: { owner: string; seconds: number };
  /** an intent older than this whose Cal.com is still unreachable fails with `calcom_unavailable` */
  giveUpAfterMs?: number;
  /** the intent's branch is not (yet) in booking's read model: defaults were used */
  onBranchUnknown?: (branchId: string) => void;
  /** an intent was parked (in the consumer's transaction): due for its re-drive after `retryAfterMs` */
  onParked?: (park: Park) => void;
}

/** one owner per process; renewed before a create, so it need only outlast one step's timeouts and retries */
const DEFAULT_LEASE = { owner: `booking-${randomUUID()}`, seconds: 60 };

/** Another replica works on the intent: come back when it should be done (or its lease ran out). */
function leasedToPause(error: unknown): unknown {
  return error instanceof IntentLeasedError
    ? new DependencyUnavailableError(error.code, error.message, 5_000, { cause: error })
    : error;
}

/** `parked`: a re-drive of the parked event with this id (see redrive-parked.ts) */
export type Intent =
  | { kind: 'intent'; intent: BookingIntentRequestedV1; envelope: EventEnvelope; parked?: { id: string } }
  | { kind: 'other' };
/** why an intent waits in `parked_intents`: its Cal.com's failure kind, or `behind_parked` (its call's order) */
export type Park = { kind: 'park'; reason: string; retryAfterMs: number };
export type Prepared =
  | { kind: 'nothing' }
  | { kind: 'outcome'; outcome: BookingOutcomeV1; cause: EventEnvelope; gateway?: CalcomGateway }
  | Park;

/**
 * calls.booking-intents.v1 → Cal.com → booking.outcomes.v1, with the standard recipe: the
 * Cal.com work happens in `prepare` (before the transaction), made safe by the intent's
 * idempotency key and the request row's "create sent" mark; `apply` records the outcome and
 * writes it to the outbox in one transaction. An intent already settled (a redelivery, or the
 * same intent under another event id) changes nothing. If the outcome can never be committed,
 * `compensate` cancels the booking it made: a saga, not a distributed transaction. An intent
 * whose Cal.com is unavailable is parked (`parked_intents`, with its inbox claim) instead of
 * pausing the partition for every tenant on it; redrive-parked.ts brings it back here.
 */
export function makeBookingIntents(deps: BookingIntentsDeps): MessageHandler<Intent, Prepared> {
  const lease = deps.lease ?? DEFAULT_LEASE;
  // intents this process is talking to Cal.com about: the lease is per process, so two handlers
  // of one intent here (a partition given back after a rebalance while a slow intent is still
  // running, or a re-drive) are kept apart by this; released when `prepare` ends, however it ends
  const inFlight = new Map<string, number>();
  const release = (key: string) => inFlight.delete(key);
  return {
    decode(message) {
      const envelope = decodeEnvelope(message);
      let value: unknown;
      try {
        value = readFramedJson(message.value);
      } catch (error) {
        throw new PoisonMessageError('VALUE_UNREADABLE', (error as Error).message, { cause: error });
      }
      const parsed = BookingIntentEventSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PoisonMessageError('CONTRACT_VIOLATION', `${issue?.path.join('.')}: ${issue?.message}`);
      }
      const event: BookingIntentEvent = parsed.data;
      return event.type === 'booking.intent-requested.v1'
        ? { eventId: envelope.id, eventType: event.type, event: { kind: 'intent', intent: event, envelope } }
        : { eventId: envelope.id, eventType: event.type, event: { kind: 'other' } };
    },

    async prepare(event, message) {
      if (event.kind !== 'intent') return { kind: 'nothing' };
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
        return await prepareIntent(intent, envelope, message.timestamp);
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
        release(key);
      }
    },

    async apply(event, { sql, prepared, message }) {
      if (event.kind !== 'intent') return [];
      if (event.parked) await unpark(sql, event.parked.id);
      if (prepared.kind === 'park') {
        const { intent, envelope } = event;
        await parkIntent(sql, {
          ...prepared,
          eventId: envelope.id,
          callId: intent.callId,
          companyId: intent.attribution.companyId,
          idempotencyKey: intent.idempotencyKey,
          message,
        });
        await releaseLease(sql, intent.idempotencyKey, lease.owner);
        deps.onParked?.(prepared);
        return [];
      }
      if (prepared.kind === 'nothing') return [];
      // another handling of this intent committed its outcome first: that one is the intent's
      if (!(await settleIntent(sql, prepared.outcome))) return [];
      deps.onOutcome?.(prepared.outcome);
      return [outcomeEvent(prepared.outcome, prepared.cause, deps)];
    },

    async compensate(event, prepared, cause) {
      if (prepared.kind !== 'outcome' || prepared.outcome.type !== 'booking.confirmed.v1' || !prepared.gateway) return;
      if (event.kind !== 'intent') return;
      await undoBooking(prepared.outcome, prepared.gateway, cause, event.envelope, deps);
    },
  };

  async function prepareIntent(
    intent: BookingIntentRequestedV1,
    envelope: EventEnvelope,
    producedAt: number,
  ): Promise<Prepared> {
    let request;
    try {
      request = await openRequest(deps.db, intent, lease);
    } catch (error) {
      throw leasedToPause(error);
    }
    if (SETTLED.has(request.status)) return { kind: 'nothing' };
    const company = intent.attribution.companyId;
    const account = await loadCalcomAccount(deps.db, company, deps.cipher);
    if (!account) {
      return {
        kind: 'outcome',
        cause: envelope,
        outcome: failedOutcome(
          intent,
          deps.clock(),
          'calcom_not_configured',
          `company ${company} has no Cal.com account`,
        ),
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
          },
        },
        request.createSent,
      );
      return { kind: 'outcome', outcome, cause: envelope, gateway };
    } catch (error) {
      if (unavailable(error) && deps.giveUpAfterMs !== undefined) {
        const outcome = await maybeGiveUp(intent, producedAt, error as CalcomError, gateway, createSent, deps);
        if (outcome) return { kind: 'outcome', outcome, cause: envelope, gateway };
      }
      throw toRunnerError(leasedToPause(error));
    }
  }
}

/** Cal.com itself cannot be reached (as opposed to refusing us, or our own bulkhead being full). */
function unavailable(error: unknown): boolean {
  return (
    error instanceof CalcomError && ['server_error', 'network_error', 'timeout', 'circuit_open'].includes(error.kind)
  );
}

/** How long Cal.com must have been unreachable for one intent before it gives up, at most. */
const UNAVAILABLE_AT_LEAST_MS = 10 * 60_000;

/**
 * Gives up on an intent older than `giveUpAfterMs` (since it was produced) when Cal.com is down:
 * at once while the account's breaker is open (many calls failed), otherwise only after Cal.com
 * was unreachable for this intent itself a while, so one failure after a long lag does not end
 * it. Intents queued behind a down Cal.com thus give up together, not one after another.
 */
async function maybeGiveUp(
  intent: BookingIntentRequestedV1,
  producedAt: number,
  error: CalcomError,
  gateway: CalcomGateway,
  createSent: boolean,
  deps: BookingIntentsDeps,
): Promise<BookingOutcomeV1 | undefined> {
  const limit = deps.giveUpAfterMs!;
  const age = deps.clock().getTime() - producedAt;
  const unreachableFor = await markUnavailable(deps.db, intent.idempotencyKey);
  if (age < limit) return undefined;
  if (error.kind !== 'circuit_open' && unreachableFor < Math.min(limit, UNAVAILABLE_AT_LEAST_MS)) return undefined;
  return giveUp(intent, gateway, createSent, age, deps);
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
  deps: BookingIntentsDeps,
): Promise<BookingOutcomeV1 | undefined> {
  const detail = `Cal.com unreachable; gave up after ${Math.round(waitedMs / 60_000)} min`;
  if (!createSent) return failedOutcome(intent, deps.clock(), 'calcom_unavailable', detail);
  try {
    const found = await findByIdempotencyKey(gateway, {
      request: {
        eventTypeId: intent.service.calcomEventTypeId,
        startUtc: intent.requestedStart.utc,
        attendee: { name: '', timeZone: intent.requestedStart.timeZone },
        metadata: { [IDEMPOTENCY_METADATA_KEY]: intent.idempotencyKey },
      },
      durationMinutes: intent.service.durationMinutes,
    });
    if (!found) return failedOutcome(intent, deps.clock(), 'calcom_unavailable', detail);
    return {
      type: 'booking.confirmed.v1',
      callId: intent.callId,
      idempotencyKey: intent.idempotencyKey,
      attribution: intent.attribution,
      occurredAt: deps.clock().toISOString(),
      booking: toOutcomeBooking(found, intent.service.calcomEventTypeId, intent.requestedStart.timeZone),
      alternative: false,
    };
  } catch {
    return undefined;
  }
}

/**
 * The saga's compensation: the booking exists in Cal.com but its outcome cannot be committed, so
 * it is cancelled there; then, if the database takes it, the cancellation is recorded and
 * emitted (cause `compensation`), so downstream hears how the intent ended.
 */
async function undoBooking(
  confirmed: Extract<BookingOutcomeV1, { type: 'booking.confirmed.v1' }>,
  gateway: CalcomGateway,
  cause: RunnerError,
  envelope: EventEnvelope,
  deps: BookingIntentsDeps,
): Promise<void> {
  await gateway.cancelBooking(
    confirmed.booking.uid,
    `Automatically cancelled: the booking could not be recorded (${cause.code})`,
  );
  const day = DateTime.fromISO(confirmed.booking.start.utc, { zone: 'utc' })
    .setZone(confirmed.booking.start.timeZone)
    .toISODate()!;
  await deps.cache.invalidate(confirmed.attribution.companyId, day);
  const cancelled: BookingOutcomeV1 = {
    type: 'booking.cancelled.v1',
    callId: confirmed.callId,
    idempotencyKey: confirmed.idempotencyKey,
    attribution: confirmed.attribution,
    occurredAt: deps.clock().toISOString(),
    uid: confirmed.booking.uid,
    cause: 'compensation',
  };
  await deps.transactions(async (sql) => {
    await recordOutcome(sql, cancelled);
    await appendOutbox(sql, [outcomeEvent(cancelled, envelope, deps)]);
  });
  deps.onOutcome?.(cancelled);
}

export function failedOutcome(
  intent: BookingIntentRequestedV1,
  now: Date,
  reason: Extract<BookingOutcomeV1, { type: 'booking.failed.v1' }>['reason'],
  detail: string,
): BookingOutcomeV1 {
  return {
    type: 'booking.failed.v1',
    callId: intent.callId,
    idempotencyKey: intent.idempotencyKey,
    attribution: intent.attribution,
    occurredAt: now.toISOString(),
    reason,
    detail: detail.slice(0, 500),
  };
}

/** The branch from booking's read model; if it has not arrived yet, the intent's zone, Monday to Friday. */
async function branchOf(deps: BookingIntentsDeps, intent: BookingIntentRequestedV1): Promise<Branch> {
  const branch = await loadBranch(deps.db, intent.attribution.branchId);
  if (branch) return branch;
  deps.onBranchUnknown?.(intent.attribution.branchId);
  return { timeZone: intent.requestedStart.timeZone, workingDays: [1, 2, 3, 4, 5], federalState: null };
}

/** booking.outcomes.v1, keyed by call id; the event id names the intent and the change. */
export function outcomeEvent(
  outcome: BookingOutcomeV1,
  cause: EventEnvelope | undefined,
  deps: Pick<BookingIntentsDeps, 'encode' | 'source' | 'clock' | 'outcomesTopic'>,
): OutboxEvent {
  const topic = deps.outcomesTopic ?? TOPICS.bookingOutcomes;
  const change =
    'uid' in outcome ? `:${outcome.uid}` : outcome.type === 'booking.rescheduled.v1' ? `:${outcome.booking.uid}` : '';
  let value: Buffer;
  try {
    value = deps.encode(topic, outcome);
  } catch (error) {
    // our own event breaking our own contract is a bug: retrying cannot help
    throw new PoisonMessageError('OUTPUT_CONTRACT_VIOLATION', `${outcome.type}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    topic,
    key: outcome.callId,
    value,
    headers: toKafkaHeaders({
      id: `${outcome.idempotencyKey}:${outcome.type}${change}`,
      type: outcome.type,
      source: deps.source,
      time: deps.clock().toISOString(),
      subject: outcome.callId,
      contentType: 'application/json',
      correlationId: outcome.callId,
      ...(cause ? { causationId: cause.id, traceparent: cause.traceparent } : {}),
    }),
  };
}

function decodeEnvelope(message: ConsumedMessage): EventEnvelope {
  try {
    return fromKafkaHeaders(message.headers);
  } catch (error) {
    throw new PoisonMessageError('ENVELOPE_INVALID', (error as Error).message, { cause: error });
  }
}
