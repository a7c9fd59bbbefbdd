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

/** Network and server-state errors of the database: the dependency is down, not the message bad. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection (is )?closed|Client has encountered a connection error/i;

/** What the runner makes of anything a handler throws. */
export function asRunnerError(error: unknown): RunnerError {
  if (isRunnerError(error)) return error;
  const cause = error as { code?: unknown; message?: unknown };
  const code = typeof cause?.code === 'string' ? cause.code : 'UNEXPECTED';
  const message = String(cause?.message ?? error);
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || CONNECTION_MESSAGES.test(message)) {
    // pause and come back, instead of burning attempts and dead-lettering a healthy stream
    return new DependencyUnavailableError(code === 'UNEXPECTED' ? 'DATABASE_UNAVAILABLE' : code, message, 5_000, {
      cause: error,
    });
  }
  return new RunnerError(code, message, 'transient', { cause: error });
}
