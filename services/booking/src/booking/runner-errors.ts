import { DependencyUnavailableError } from '@rb/kafka-runner';
import { CalcomError, calcomUnavailableForMs } from '../calcom/calcom-errors';

/**
 * What a Cal.com failure that `bookIntent` throws means for the consumer: an open breaker, a
 * spent rate limit or a full bulkhead pause the partition until Cal.com can be asked again; so
 * do Cal.com's own failures (5xx, network, timeouts, unknown outcomes), briefly, until enough of
 * them open the breaker. None of them counts as an attempt or ever dead-letters an intent: an
 * outage of Cal.com is never the intent's fault. Anything else (a 409, a bug) is for the runner's
 * usual handling: retried with backoff, then dead-lettered.
 */
export function toRunnerError(error: unknown): unknown {
  const waitMs = calcomUnavailableForMs(error);
  if (waitMs === undefined || !(error instanceof CalcomError)) return error;
  return new DependencyUnavailableError(error.code, error.message, waitMs, { cause: error });
}

/**
 * Whether an intent should be parked instead of pausing its partition: its company's own Cal.com
 * is unavailable (the pause `toRunnerError` chose names a Cal.com failure), so waiting in the
 * partition would hold up every other tenant on it. Due again after the pause it would have taken.
 */
export function parkingFor(error: unknown): { reason: string; retryAfterMs: number } | undefined {
  if (!(error instanceof DependencyUnavailableError) || !(error.cause instanceof CalcomError)) return undefined;
  return { reason: error.cause.kind, retryAfterMs: error.retryAfterMs };
}
