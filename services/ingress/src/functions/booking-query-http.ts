import type { z } from 'zod';
import type { HttpClientCall } from '@rb/observability';
import { withHttpClientSpan } from '@rb/observability';

/**
 * Why booking gave no answer of the contract: the deadline passed, the connection failed, or what
 * came back is not the contract (a 400 for our query, a 401 for our token, a body of another shape).
 */
export interface Unreachable {
  kind: 'unreachable';
  why: 'timeout' | 'network' | 'unexpected_answer';
  status?: number;
}

export interface BookingQueryOptions {
  /** booking's listener, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  /** a bearer token of booking's QUERY_TOKENS */
  token: string;
  /** the caller is waiting: after this long there is no answer */
  deadlineMs: number;
}

/**
 * One of booking's internal query routes (`POST` JSON with a bearer token) within a deadline: the
 * plumbing check_availability's and find_appointments' clients share. Never throws: whatever goes
 * wrong is an `unreachable` result. Connections are kept alive by fetch's global dispatcher, so a
 * live call pays no new TCP handshake per question. Each question is a CLIENT span named by the
 * route (its traceparent goes along, so booking's span joins the call's trace), an error when it
 * is unreachable.
 */
export function makeBookingQuery<Query, Answer>(
  options: BookingQueryOptions,
  route: { path: string; answer: z.ZodType<Answer>; answerStatuses: ReadonlySet<number> },
): (query: Query) => Promise<Answer | Unreachable> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${route.path}`;
  const request = { method: 'POST', route: route.path, url };
  return (query) =>
    withHttpClientSpan(request, async (call) => {
      const signal = AbortSignal.timeout(options.deadlineMs);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { ...call.headers, 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: JSON.stringify(query),
          signal,
        });
        call.answered(response.status);
        const body: unknown = await response.json().catch(() => undefined);
        if (signal.aborted) return unreachable(call, { kind: 'unreachable', why: 'timeout' });
        const answer = route.answer.safeParse(body);
        if (!route.answerStatuses.has(response.status) || !answer.success)
          return unreachable(call, { kind: 'unreachable', why: 'unexpected_answer', status: response.status });
        return answer.data;
      } catch {
        return unreachable(call, { kind: 'unreachable', why: signal.aborted ? 'timeout' : 'network' });
      }
    });
}

/** `result`, its reason recorded on the question's span */
function unreachable(call: HttpClientCall, result: Unreachable): Unreachable {
  call.failed(result.why);
  return result;
}
