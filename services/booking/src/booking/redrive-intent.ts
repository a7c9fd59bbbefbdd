import type { MessageHandler, Sql, Transactions } from '@rb/kafka-runner';
import { appendOutbox, asRunnerError, DependencyUnavailableError } from '@rb/kafka-runner';
import type { Intent, Prepared } from './booking-intents';
import { deadLetterEvent } from './parked-dead-letter';
import type { ParkedIntent } from './parked-intents.repository';
import { countFailedAttempt, dropParked } from './parked-intents.repository';
import { parkingFor } from './runner-errors';

export type RedriveOutcome =
  /** its outcome was recorded and emitted */
  | 'settled'
  /** it had been settled meanwhile (the same intent under another event id): dropped */
  | 'already_settled'
  /** its Cal.com is still unavailable: parked again */
  | 'still_unavailable'
  /** it failed otherwise (a bug, the database): tried again later */
  | 'retried'
  /** it failed `maxAttempts` times: dead-lettered (after undoing a booking it made) */
  | 'dead_lettered';

/** What re-driving one parked intent needs. */
export interface IntentRedriveOptions {
  /** booking-intents' handler: the re-drive takes the same path as a consumed intent */
  handler: MessageHandler<Intent, Prepared>;
  db: Sql;
  transactions: Transactions;
  /** the intents consumer's group: its inbox claim goes with a dead-lettered intent */
  consumer: string;
  maxAttempts: number;
  backoff?: { initialMs: number; maxMs: number };
  afterCommit?: () => void;
  onRedrive?: (report: { outcome: RedriveOutcome; code?: string }) => void;
  onError?: (error: unknown) => void;
}

/** `done`: settled, retried later or dead-lettered; `unavailable`: to be parked again (`calcom`: its Cal.com's outage) */
export type IntentRedrive =
  { kind: 'done' } | { kind: 'unavailable'; retryAfterMs: number; reason: string; calcom: boolean };

/**
 * One parked intent through booking-intents' handler (`prepare` with the lease, look-up-before-create
 * and the give-up rule; `apply` records the outcome, writes the outbox and deletes the parked row in
 * one transaction).
 */
export async function redriveIntent(parked: ParkedIntent, options: IntentRedriveOptions): Promise<IntentRedrive> {
  const { handler, transactions } = options;
  let event: Intent;
  try {
    event = handler.decode(parked.message).event;
  } catch (error) {
    return failed(parked, error, undefined, true, options);
  }
  // only intents are parked
  if (event.kind !== 'intent') return failed(parked, new Error('not a booking intent'), undefined, true, options);
  event = { ...event, parked: { id: parked.id } };
  let prepared: Prepared;
  try {
    prepared = await handler.prepare!(event, parked.message);
  } catch (error) {
    if (error instanceof DependencyUnavailableError) {
      const calcom = parkingFor(error);
      return {
        kind: 'unavailable',
        retryAfterMs: error.retryAfterMs,
        reason: calcom?.reason ?? error.code,
        calcom: !!calcom,
      };
    }
    return failed(parked, error, undefined, false, options);
  }
  try {
    await transactions(async (sql) =>
      appendOutbox(sql, await handler.apply(event, { sql, prepared, message: parked.message })),
    );
  } catch (error) {
    return failed(parked, error, { event, prepared }, false, options);
  }
  options.afterCommit?.();
  options.onRedrive?.({ outcome: prepared.kind === 'outcome' ? 'settled' : 'already_settled' });
  return { kind: 'done' };
}

/**
 * A failure that is not its Cal.com being unavailable: tried again with backoff; after
 * `maxAttempts` (or at once for poison) a booking it made is undone (the handler's
 * compensation) and the intent goes to the intents topic's DLQ, as the consumer does.
 */
async function failed(
  parked: ParkedIntent,
  caught: unknown,
  done: { event: Intent; prepared: Prepared } | undefined,
  poison: boolean,
  options: IntentRedriveOptions,
): Promise<IntentRedrive> {
  const error = asRunnerError(caught);
  // the database (or another dependency) is away: wait and come back, as the consumer pauses;
  // it is not the intent's fault, so no attempt is spent and nothing is undone or dead-lettered
  if (!poison && error instanceof DependencyUnavailableError)
    return { kind: 'unavailable', retryAfterMs: error.retryAfterMs, reason: error.code, calcom: false };
  const attempts = parked.attempts + 1;
  if (!poison && error.disposition !== 'poison' && attempts < options.maxAttempts) {
    const { initialMs, maxMs } = options.backoff ?? { initialMs: 200, maxMs: 5_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempts - 1));
    await countFailedAttempt(options.db, parked.id, ceiling / 2 + Math.random() * (ceiling / 2), error.code);
    options.onRedrive?.({ outcome: 'retried', code: error.code });
    return { kind: 'done' };
  }
  if (done) {
    try {
      await options.handler.compensate?.(done.event, done.prepared, error);
    } catch (failure) {
      // reported with the dead letter, as the consumer does
      options.onError?.(failure);
    }
  }
  await options.transactions(async (sql) => {
    await dropParked(sql, parked, options.consumer);
    await appendOutbox(sql, [await deadLetterEvent(parked, error, attempts, options.consumer)]);
  });
  options.afterCommit?.();
  options.onRedrive?.({ outcome: 'dead_lettered', code: error.code });
  return { kind: 'done' };
}
