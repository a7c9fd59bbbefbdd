/**
 * How a handler tells the runner what went wrong. Anything else it throws counts as transient:
 * retried with backoff, then dead-lettered.
 */
export class RunnerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly disposition: 'poison' | 'dependency_down' | 'transient',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunnerError';
  }
}

/** The message can never be processed (undecodable, violates its contract): dead-letter it at once. */
export class PoisonMessageError extends RunnerError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 'poison', options);
  }
}

/**
 * A dependency the handler needs is down (a circuit breaker is open): the partition pauses and
 * the message is retried when the dependency is back, however long that takes; no attempt counts.
 */
export class DependencyUnavailableError extends RunnerError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, 'dependency_down', options);
  }
}

export const isRunnerError = (error: unknown): error is RunnerError => error instanceof RunnerError;
