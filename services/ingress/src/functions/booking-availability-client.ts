import type { AvailabilityAnswer, AvailabilityQuery } from '@rb/contracts';
import { AVAILABILITY_QUERY_ROUTE, AvailabilityAnswerSchema } from '@rb/contracts';

/**
 * booking's answer, or why there is none. `unreachable` covers everything that is not an answer of
 * the contract: the deadline passed, the connection failed, or what came back is not the contract
 * (a 400 for our query, a 401 for our token, a body of another shape).
 */
export type AvailabilityResult =
  AvailabilityAnswer | { kind: 'unreachable'; why: 'timeout' | 'network' | 'unexpected_answer'; status?: number };

/** The port the use case asks; the HTTP client below, or a fake in tests. */
export type AskAvailability = (query: AvailabilityQuery) => Promise<AvailabilityResult>;

export interface BookingAvailabilityClientOptions {
  /** booking's listener, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  /** a bearer token of booking's QUERY_TOKENS */
  token: string;
  /** the caller is waiting: after this long there is no answer */
  deadlineMs: number;
}

/** HTTP statuses whose body is an answer of the contract (200 free/none_free, 422 refused, 503 unavailable). */
const ANSWER_STATUSES = new Set([200, 422, 503]);

/**
 * Asks booking's internal query API (`POST /internal/availability`) within a deadline. Never
 * throws: whatever goes wrong is an `unreachable` result. Connections are kept alive by fetch's
 * global dispatcher, so a live call pays no new TCP handshake per question.
 */
export function makeBookingAvailabilityClient(options: BookingAvailabilityClientOptions): AskAvailability {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${AVAILABILITY_QUERY_ROUTE}`;
  return async function askAvailability(query) {
    const signal = AbortSignal.timeout(options.deadlineMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(query),
        signal,
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (signal.aborted) return { kind: 'unreachable', why: 'timeout' };
      const answer = AvailabilityAnswerSchema.safeParse(body);
      if (!ANSWER_STATUSES.has(response.status) || !answer.success)
        return { kind: 'unreachable', why: 'unexpected_answer', status: response.status };
      return answer.data;
    } catch {
      return { kind: 'unreachable', why: signal.aborted ? 'timeout' : 'network' };
    }
  };
}
