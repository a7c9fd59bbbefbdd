import { DependencyUnavailableError, RunnerError } from '@rb/kafka-runner';
import { CalcomError } from '../calcom/calcom-errors';

/**
 * What a Cal.com failure that `bookIntent` throws means for the consumer: an open breaker, a
 * spent rate limit or a full bulkhead pause the partition until Cal.com can be asked again (no
 * attempt counts, nothing is dead-lettered); other retryable failures (5xx, network, timeouts,
 * unknown outcomes) are retried with backoff; anything else is for the runner's usual handling.
 */
export function toRunnerError(error: unknown): unknown {
  if (!(error instanceof CalcomError)) return error;
  switch (error.kind) {
    case 'circuit_open':
    case 'rate_limited':
    case 'overloaded':
      return new DependencyUnavailableError(
        `CALCOM_${error.kind.toUpperCase()}`,
        error.message,
        Math.max(1, error.retryAfterSeconds ?? 5) * 1000,
        { cause: error },
      );
    default:
      return error.retryable
        ? new RunnerError(`CALCOM_${error.kind.toUpperCase()}`, error.message, 'transient', { cause: error })
        : error;
  }
}
