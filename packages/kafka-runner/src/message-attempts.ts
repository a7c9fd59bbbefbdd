import type { Producer } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import type { HandlingContext } from './consumer-runner-options';
import { deadLetterMessage } from './dead-letter';
import type { RunnerError } from './errors';
import { asRunnerError } from './errors';
import { appendOutbox, claimInbox } from './inbox-outbox';
import { handleInSpan } from './message-spans';
import type { Outcome } from './outcome-report';

export interface AttemptContext<Event, Prepared> extends HandlingContext<Event, Prepared> {
  /** a dependency is down: pause the message's partition and read the message again later */
  pause(message: ConsumedMessage, resumeAfterMs: number): void;
  deadLetterProducer(): Producer;
}

/** what an attempt's decode and prepare produced, while its transaction has not committed */
type Pending<Event, Prepared> = { decoded?: { event: Event }; prepared?: { value: Prepared } };
/** the message being given up, for its reports */
type At = { message: ConsumedMessage; eventType: string; started: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `handleWithAttempts` in the message's CONSUMER span (a child of its traceparent, carried on by
 * what it emits), with its ids on every log line written meanwhile; the span tells the outcome.
 */
export function handleTraced<Event, Prepared>(
  message: ConsumedMessage,
  context: AttemptContext<Event, Prepared>,
): Promise<void> {
  return handleInSpan(message, context.options.groupId, (reportingInto) =>
    handleWithAttempts(message, { ...context, report: reportingInto(context.report) }),
  );
}

/**
 * One message on its own, in its own transaction, until it is done: processed or duplicate;
 * paused when a dependency is down (no attempt counts); dead-lettered at once when poison, or
 * after `maxAttempts` transient failures with backoff and jitter, its prepared side effect
 * compensated first.
 */
export async function handleWithAttempts<Event, Prepared>(
  message: ConsumedMessage,
  context: AttemptContext<Event, Prepared>,
): Promise<void> {
  const { options, commits, report } = context;
  const { maxAttempts = 5, backoff = { initialMs: 200, maxMs: 5_000 }, sleep = defaultSleep } = options;
  const started = Date.now();
  let eventType = 'unknown';
  for (let attempt = 1; ; attempt++) {
    // what this attempt's prepare produced, while its transaction has not committed
    const pending: Pending<Event, Prepared> = {};
    try {
      const decoded = options.handler.decode(message);
      eventType = decoded.eventType;
      pending.decoded = decoded;
      const outcome = await prepareAndApply(decoded, message, pending, context);
      commits.markDone(message);
      if (outcome === 'processed') options.afterCommit?.();
      return report(message, eventType, outcome, started);
    } catch (caught) {
      const error = asRunnerError(caught);
      if (error.disposition === 'dependency_down') {
        context.pause(message, (error as { retryAfterMs?: number }).retryAfterMs ?? 5_000);
        return report(message, eventType, 'paused', started, error);
      }
      if (error.disposition === 'poison' || attempt >= maxAttempts) {
        await giveUp(error, attempt, pending, context, { message, eventType, started });
        return report(message, eventType, 'dead_lettered', started, error);
      }
      report(message, eventType, 'retried', started, error);
      const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2)); // equal jitter
    }
  }
}

/** prepare, then one transaction: claim in the inbox, apply the change, write the outbox. */
async function prepareAndApply<Event, Prepared>(
  decoded: { eventId: string; event: Event },
  message: ConsumedMessage,
  pending: Pending<Event, Prepared>,
  { options }: HandlingContext<Event, Prepared>,
): Promise<Outcome> {
  const { handler, transactions, groupId } = options;
  const prepared = (handler.prepare ? await handler.prepare(decoded.event, message) : undefined) as Prepared;
  pending.prepared = { value: prepared };
  return transactions(async (sql) => {
    if (!(await claimInbox(sql, groupId, decoded.eventId))) return 'duplicate';
    await appendOutbox(sql, await handler.apply(decoded.event, { sql, prepared, message }));
    return 'processed';
  });
}

/** Poison, or out of attempts: what was prepared is compensated, then the message dead-lettered and done. */
async function giveUp<Event, Prepared>(
  error: RunnerError,
  attempts: number,
  pending: Pending<Event, Prepared>,
  context: AttemptContext<Event, Prepared>,
  at: At,
): Promise<void> {
  if (pending.decoded && pending.prepared && context.options.handler.compensate) {
    await compensate(pending.decoded.event, pending.prepared.value, error, context, at);
  }
  await deadLetterMessage(context.deadLetterProducer(), at.message, {
    error,
    attempts,
    consumer: context.options.groupId,
  });
  context.commits.markDone(at.message);
}

/** Undoes a prepared side effect of a message about to be dead-lettered; reports a failure. */
async function compensate<Event, Prepared>(
  event: Event,
  prepared: Prepared,
  cause: RunnerError,
  { options, report }: HandlingContext<Event, Prepared>,
  at: At,
): Promise<void> {
  try {
    await options.handler.compensate!(event, prepared, cause);
    report(at.message, at.eventType, 'compensated', at.started, cause);
  } catch (caught) {
    const failed = asRunnerError(caught);
    report(at.message, at.eventType, 'compensation_failed', at.started, failed);
  }
}
