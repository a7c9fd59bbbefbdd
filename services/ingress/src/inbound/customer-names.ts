import type { CustomerLookupAnswer } from '@rb/contracts';
import { CUSTOMER_LOOKUP_ROUTE, CustomerLookupAnswerSchema } from '@rb/contracts';
import type { HttpClientCall } from '@rb/observability';
import { withHttpClientSpan } from '@rb/observability';

/** What the agent may know about the caller when the phone rings. */
export type CallerLookup =
  /** the number has called this company before; `name` once a call told us */
  | { kind: 'known'; name: string | null }
  | { kind: 'unknown' }
  /** no answer within the budget, or no usable one: the call is answered without a name */
  | { kind: 'no_answer'; why: 'timeout' | 'failed' | 'not_configured' | 'withheld_number' };

export interface CustomerNames {
  lookUp(companyId: string, phone: string): Promise<CallerLookup>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export interface CallProcessorCustomersOptions {
  /** call-processor's HTTP listener, e.g. http://127.0.0.1:3001; undefined: not asked */
  baseUrl: string | undefined;
  /** a bearer token of call-processor's QUERY_TOKENS */
  token: string | undefined;
  /** the longest the ringing phone waits for the name */
  budgetMs: number;
  fetch?: typeof fetch;
}

/**
 * Customers belong to call-processor: ingress asks its internal query API, and gives up after the
 * budget, so the answer to call_inbound never waits for a slow or absent call-processor. Never
 * throws: every failure is a `no_answer` with its reason. The question is a CLIENT span whose
 * traceparent goes along (the number stays in the body, never in the span).
 */
export class CallProcessorCustomers implements CustomerNames {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CallProcessorCustomersOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async lookUp(companyId: string, phone: string): Promise<CallerLookup> {
    const { baseUrl, token, budgetMs } = this.options;
    if (!baseUrl || !token) return { kind: 'no_answer', why: 'not_configured' };
    // "anonymous", "+49..." from a withheld line: nothing to look up
    if (!E164.test(phone)) return { kind: 'no_answer', why: 'withheld_number' };
    const url = URL.parse(CUSTOMER_LOOKUP_ROUTE, baseUrl);
    if (!url) return { kind: 'no_answer', why: 'failed' };
    return withHttpClientSpan({ method: 'POST', route: CUSTOMER_LOOKUP_ROUTE, url }, async (call) => {
      const deadline = AbortSignal.timeout(budgetMs);
      try {
        // the number in the body: URLs end up in proxies' and servers' access logs
        const response = await this.fetch(url, {
          method: 'POST',
          headers: { ...call.headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ companyId, phone }),
          signal: deadline,
        });
        call.answered(response.status);
        if (response.status !== 200) {
          await response.body?.cancel();
          return noAnswer(call, 'failed');
        }
        const answer = CustomerLookupAnswerSchema.safeParse(await response.json());
        return answer.success ? fromAnswer(answer.data) : noAnswer(call, 'failed');
      } catch {
        return noAnswer(call, deadline.aborted ? 'timeout' : 'failed');
      }
    });
  }
}

/** no answer, its reason recorded on the question's span */
function noAnswer(call: HttpClientCall, why: 'timeout' | 'failed'): CallerLookup {
  call.failed(why);
  return { kind: 'no_answer', why };
}

function fromAnswer(answer: CustomerLookupAnswer): CallerLookup {
  return answer.kind === 'known' ? { kind: 'known', name: answer.name } : { kind: 'unknown' };
}

/** The caller as the agent's variables say it: `caller_known` true/false/unknown, `caller_name` or empty. */
export function callerVariables(lookup: CallerLookup): { caller_known: string; caller_name: string } {
  switch (lookup.kind) {
    case 'known':
      return { caller_known: 'true', caller_name: lookup.name ?? '' };
    case 'unknown':
      return { caller_known: 'false', caller_name: '' };
    case 'no_answer':
      return { caller_known: 'unknown', caller_name: '' };
  }
}
