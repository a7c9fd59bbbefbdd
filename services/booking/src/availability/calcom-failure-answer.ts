import type { AvailabilityAnswer } from '@rb/contracts';
import type { CalcomError } from '../calcom/calcom-errors';

type NotAnswered = Extract<AvailabilityAnswer, { kind: 'refused' | 'unavailable' }>;

/**
 * What a failed free-slots read answers while a caller waits: the tenant's Cal.com refusing us is
 * `refused` (asking again will not help); Cal.com failing, too slow, or held back by our own
 * breaker, rate limit or bulkhead is `unavailable` (ask again, after `retryAfterSeconds` when
 * known); a read given up at the question's deadline is `unavailable` `timeout` too. A read Cal.com calls invalid (our request or the tenant's data) cannot be fixed by the
 * caller either and offers nothing: `calendar_unavailable`, without a time to come back. The detail
 * names ids and codes only, never Cal.com's words (they may quote a person). Pure.
 */
export function calcomFailureAnswer(error: CalcomError, eventTypeId: number): NotAnswered {
  switch (error.kind) {
    case 'unauthorized':
    case 'forbidden':
      return { kind: 'refused', reason: 'calendar_refused', detail: `Cal.com refused the account (${error.kind})` };
    case 'not_found':
      return { kind: 'refused', reason: 'event_type_not_found', detail: `Cal.com has no event type ${eventTypeId}` };
    case 'circuit_open':
      return unavailable('circuit_open', error.retryAfterSeconds);
    case 'timeout':
    case 'cancelled':
      return unavailable('timeout');
    case 'rate_limited':
    case 'overloaded':
      return unavailable('overloaded', error.retryAfterSeconds);
    case 'server_error':
    case 'network_error':
    case 'invalid_request':
    case 'slot_unavailable':
    case 'conflict':
      return unavailable('calendar_unavailable');
  }
}

function unavailable(
  reason: Extract<NotAnswered, { kind: 'unavailable' }>['reason'],
  retryAfterSeconds?: number,
): NotAnswered {
  return retryAfterSeconds === undefined
    ? { kind: 'unavailable', reason }
    : { kind: 'unavailable', reason, retryAfterSeconds: Math.max(0, Math.ceil(retryAfterSeconds)) };
}
