import type { MessageHandler, Sql, Transactions } from '@rb/kafka-runner';
import { appendOutbox, asRunnerError, DependencyUnavailableError } from '@rb/kafka-runner';
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

/**
 * What is parked: a post-call intent (`intent`) or a live book command (`command`); a re-drive
 * marks it `parked`, so its handler deletes the parked row with its outcome.
 */
export type ParkableEvent = { kind: string; parked?: { id: string } };
const PARKABLE = new Set(['intent', 'command']);
/** `outcome` (an intent) and `answer` (a command) settle what was parked; other kinds found it settled */
const SETTLING = new Set(['outcome', 'answer']);

/** What re-driving one parked intent needs. */
export interface IntentRedriveOptions {
  /**
   * the handler of the parked event's topic (booking-intents', or the live commands'): the
   * re-drive takes the same path as a consumed event
   */
  handler: MessageHandler<ParkableEvent, { kind: string }>;
  db: Sql;
  transactions: Transactions;
  /** the group of the consumer that parked it (by its topic): its inbox claim goes with a dead letter */
  consumer: string | ((topic: string) => string);
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
  let event: ParkableEvent;
  try {
    event = handler.decode(parked.message).event;
  } catch (error) {
    return failed(parked, error, undefined, true, options);
  }
  // only intents and book commands are parked
  if (!PARKABLE.has(event.kind)) return failed(parked, new Error('not a parkable event'), undefined, true, options);
  event = { ...event, parked: { id: parked.id } };
  let prepared: { kind: string };
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
  options.onRedrive?.({ outcome: SETTLING.has(prepared.kind) ? 'settled' : 'already_settled' });
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
  done: { event: ParkableEvent; prepared: { kind: string } } | undefined,
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
  const consumer = typeof options.consumer === 'string' ? options.consumer : options.consumer(parked.message.topic);
  await options.transactions(async (sql) => {
    await dropParked(sql, parked, consumer);
    await appendOutbox(sql, [await deadLetterEvent(parked, error, attempts, consumer)]);
  });
  options.afterCommit?.();
  options.onRedrive?.({ outcome: 'dead_lettered', code: error.code });
  return { kind: 'done' };
}
