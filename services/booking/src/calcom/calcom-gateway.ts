import type { CircuitBreakerPolicy, IBackoff, IBackoffFactory, IPolicy, IRetryBackoffContext } from 'cockatiel';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type { BookingListQuery, CalcomBooking, CalcomClient, CreateBookingRequest, SlotQuery } from './calcom-client';
import { CalcomError } from './calcom-errors';

export type PolicyEvent =
  | { type: 'retry'; operation: string; attempt: number; delayMs: number }
  | { type: 'breaker'; state: 'open' | 'half_open' | 'closed' }
  | { type: 'bulkhead_rejected'; operation: string }
  | { type: 'timeout'; operation: string }
  /** the caller's signal aborted (its deadline passed, or it went away): the call was given up */
  | { type: 'cancelled'; operation: string };

export interface GatewayOptions {
  /** one Cal.com account (a tenant's credential): its breaker and bulkhead are its own */
  account: string;
  timeoutMs?: number;
  /** attempts for reads (writes are never retried here: their outcome must be looked up first) */
  readAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** consecutive failures of Cal.com itself (5xx, network, timeouts) that open the breaker */
  breakAfter?: number;
  /** how long the breaker stays open before one call may try again */
  halfOpenAfterMs?: number;
  /** calls to this account at once, and calls that may wait for a place */
  concurrency?: number;
  queue?: number;
  /** a 429 whose window resets within this is waited out; a longer one is handed to the caller */
  waitOutRateLimitMs?: number;
  onEvent?: (event: PolicyEvent) => void;
  /** waits for this account's turn in the shared per-credential budget before each attempt */
  budget?: () => Promise<void>;
}

/** Failures that say Cal.com itself (or the way to it) is unwell: these count for the breaker. */
const unwell = (error: unknown) => error instanceof CalcomError && error.unwell;

type RetryContext = IRetryBackoffContext<unknown>;

/** Exponential backoff with jitter, but never sooner than a 429's rate-limit window resets. */
class HonourRateLimit implements IBackoffFactory<RetryContext> {
  constructor(private readonly inner: IBackoffFactory<RetryContext>) {}

  next(context: RetryContext): IBackoff<RetryContext> {
    const backoff = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const reset =
      error instanceof CalcomError && error.code === 'CALCOM_RATE_LIMITED' ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
    return { duration: Math.max(backoff.duration, reset), next: (c) => new HonourRateLimit(backoff).next(c) };
  }
}

/**
 * cockatiel around every Cal.com call of one account: a timeout, a circuit breaker and a
 * bulkhead for all calls; retries with exponential backoff and jitter for reads only, and only
 * for failures worth retrying (network, timeouts, 5xx, a 429 whose window resets soon). An open
 * breaker or a full bulkhead is answered at once with a CalcomError the caller can act on
 * (`circuit_open`: pause and come back; `rate_limited`: wait `retryAfterSeconds`). A read may be
 * given the caller's signal (a live question's deadline): when it aborts, the attempt in flight is
 * cancelled (its bulkhead place freed), no retry follows, and the call fails at once as `cancelled`.
 */
export class CalcomGateway {
  private readonly breaker: CircuitBreakerPolicy;
  /** breaker, bulkhead and timeout: every call, and each read's retries wrap them */
  private readonly guarded: IPolicy;
  /** one retry policy per read operation, so a retry event names the operation it retried */
  private readonly reads = new Map<string, IPolicy>();
  private readonly halfOpenAfterMs: number;
  private readonly emit: (event: PolicyEvent) => void;

  constructor(
    private readonly client: CalcomClient,
    private readonly options: GatewayOptions,
  ) {
    this.emit = options.onEvent ?? (() => undefined);
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
    this.breaker = circuitBreaker(handleWhen(unwell), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
    });
    this.breaker.onStateChange((state) => {
      const named = state === CircuitState.Open ? 'open' : state === CircuitState.HalfOpen ? 'half_open' : 'closed';
      if (state !== CircuitState.Isolated) this.emit({ type: 'breaker', state: named });
    });
    // outermost first: retries wrap the breaker (an open breaker is not retried), the bulkhead
    // limits calls in flight, the timeout bounds each attempt
    this.guarded = wrap(
      this.breaker,
      bulkhead(options.concurrency ?? 8, options.queue ?? 100),
      timeout(options.timeoutMs ?? 8_000, TimeoutStrategy.Aggressive),
    );
  }

  private readPolicy(operation: string): IPolicy {
    let policy = this.reads.get(operation);
    if (!policy) {
      const waitOut = this.options.waitOutRateLimitMs ?? 2_000;
      const retryReads = retry(
        handleWhen(
          (error) =>
            unwell(error) ||
            (error instanceof CalcomError &&
              error.code === 'CALCOM_RATE_LIMITED' &&
              (error.retryAfterSeconds ?? 60) * 1000 <= waitOut),
        ),
        {
          maxAttempts: (this.options.readAttempts ?? 3) - 1,
          backoff: new HonourRateLimit(
            new ExponentialBackoff({
              initialDelay: this.options.backoff?.initialMs ?? 200,
              maxDelay: this.options.backoff?.maxMs ?? 2_000,
            }),
          ),
        },
      );
      retryReads.onRetry((event) =>
        this.emit({ type: 'retry', operation, attempt: event.attempt, delayMs: event.delay }),
      );
      policy = wrap(retryReads, this.guarded);
      this.reads.set(operation, policy);
    }
    return policy;
  }

  /** `closed`, `open` (calls fail at once) or `half_open` (the next call tests Cal.com) */
  get breakerState(): 'closed' | 'open' | 'half_open' {
    const state = this.breaker.state;
    return state === CircuitState.Open || state === CircuitState.Isolated
      ? 'open'
      : state === CircuitState.HalfOpen
        ? 'half_open'
        : 'closed';
  }

  /** `signal`: the caller's own limit (a live question's deadline or hang-up); the intents pass none */
  slots(query: SlotQuery, signal?: AbortSignal) {
    return this.run('slots', this.readPolicy('slots'), (attempt) => this.client.slots(query, attempt), signal);
  }
  getBooking(uid: string): Promise<CalcomBooking> {
    return this.run('get_booking', this.readPolicy('get_booking'), (signal) => this.client.getBooking(uid, signal));
  }
  listBookings(query: BookingListQuery): Promise<CalcomBooking[]> {
    return this.run('list_bookings', this.readPolicy('list_bookings'), (signal) =>
      this.client.listBookings(query, signal),
    );
  }
  createBooking(request: CreateBookingRequest): Promise<CalcomBooking> {
    return this.run('create_booking', this.guarded, (signal) => this.client.createBooking(request, signal));
  }
  cancelBooking(uid: string, reason: string): Promise<CalcomBooking> {
    return this.run('cancel_booking', this.guarded, (signal) => this.client.cancelBooking(uid, reason, signal));
  }
  rescheduleBooking(uid: string, startUtc: string, reason: string): Promise<CalcomBooking> {
    return this.run('reschedule_booking', this.guarded, (signal) =>
      this.client.rescheduleBooking(uid, startUtc, reason, signal),
    );
  }

  private async run<T>(
    operation: string,
    policy: IPolicy,
    call: (attempt: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      // cockatiel cancels the attempt in flight and retries no more once `signal` aborts, but it
      // sleeps out a backoff first: the caller is answered at once instead
      const attempts = policy.execute(async ({ signal: attempt }) => {
        await this.options.budget?.();
        return call(attempt);
      }, signal);
      return await (signal ? untilAborted(attempts, signal) : attempts);
    } catch (error) {
      if (signal?.aborted) {
        this.emit({ type: 'cancelled', operation });
        throw new CalcomError('cancelled', `Cal.com ${operation}: given up, its caller stopped waiting`);
      }
      if (error instanceof BrokenCircuitError) {
        throw new CalcomError('circuit_open', `Cal.com account ${this.options.account}: breaker open`, {
          retryAfterSeconds: Math.ceil(this.halfOpenAfterMs / 1000),
        });
      }
      if (error instanceof BulkheadRejectedError) {
        this.emit({ type: 'bulkhead_rejected', operation });
        throw new CalcomError('overloaded', `Cal.com account ${this.options.account}: too many calls at once`, {
          retryAfterSeconds: 1,
        });
      }
      if (error instanceof TaskCancelledError) {
        this.emit({ type: 'timeout', operation });
        throw new CalcomError(
          'timeout',
          `Cal.com ${operation}: no answer within ${this.options.timeoutMs ?? 8_000} ms`,
        );
      }
      throw error;
    }
  }
}

/** `work`, or a rejection as soon as `signal` aborts (`work`'s own outcome is then ignored, never unhandled). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
