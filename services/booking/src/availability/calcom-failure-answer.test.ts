import type { CalcomFailureKind } from '../calcom/calcom-errors';
import { CalcomError } from '../calcom/calcom-errors';
import { calcomFailureAnswer } from './calcom-failure-answer';

const failed = (kind: CalcomFailureKind, retryAfterSeconds?: number) =>
  calcomFailureAnswer(
    new CalcomError(kind, 'Cal.com 401: Invalid API key for sabine@example.org', { retryAfterSeconds }),
    1201,
  );

describe("a failed free-slots read, as the live caller's answer", () => {
  it.each(['unauthorized', 'forbidden'] as const)(
    'when Cal.com says %s, then the calendar refused us, without Cal.com’s words',
    (kind) => {
      const answer = failed(kind);
      expect(answer).toEqual({ kind: 'refused', reason: 'calendar_refused', detail: expect.any(String) });
      expect(JSON.stringify(answer)).not.toMatch(/sabine|Invalid API key/);
    },
  );

  it('when Cal.com does not know the event type, then event_type_not_found names it', () => {
    expect(failed('not_found')).toEqual({
      kind: 'refused',
      reason: 'event_type_not_found',
      detail: 'Cal.com has no event type 1201',
    });
  });

  it("when the account's breaker is open, then circuit_open says when to ask again", () => {
    expect(failed('circuit_open', 30)).toEqual({ kind: 'unavailable', reason: 'circuit_open', retryAfterSeconds: 30 });
  });

  it.each([
    ['rate_limited', 12, 12],
    ['overloaded', 1, 1],
    ['rate_limited', 0.2, 1],
  ] as const)('when Cal.com is %s (retry after %s s), then overloaded, after %i s', (kind, after, seconds) => {
    expect(failed(kind, after)).toEqual({ kind: 'unavailable', reason: 'overloaded', retryAfterSeconds: seconds });
  });

  it.each(['timeout', 'cancelled'] as const)(
    'when the read ended as %s (Cal.com too late, or given up at the question’s deadline), then timeout',
    (kind) => {
      expect(failed(kind)).toEqual({ kind: 'unavailable', reason: 'timeout' });
    },
  );

  it.each(['server_error', 'network_error', 'invalid_request', 'slot_unavailable', 'conflict'] as const)(
    'when the read failed with %s, then the calendar is unavailable, with no time to come back',
    (kind) => {
      expect(failed(kind)).toEqual({ kind: 'unavailable', reason: 'calendar_unavailable' });
    },
  );
});
