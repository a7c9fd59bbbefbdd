import { DependencyUnavailableError } from '@rb/kafka-runner';
import { CalcomError } from '../calcom/calcom-errors';
import { toRunnerError } from './runner-errors';

describe('what a Cal.com failure means for the consumer', () => {
  it('when the breaker is open or the rate limit is spent, then the partition pauses for as long as Cal.com said', () => {
    const open = toRunnerError(new CalcomError('circuit_open', 'breaker open', { retryAfterSeconds: 30 }));
    expect(open).toBeInstanceOf(DependencyUnavailableError);
    expect(open).toMatchObject({ code: 'CALCOM_CIRCUIT_OPEN', retryAfterMs: 30_000, disposition: 'dependency_down' });
    expect(toRunnerError(new CalcomError('rate_limited', 'spent', { retryAfterSeconds: 58 }))).toMatchObject({
      retryAfterMs: 58_000,
    });
    expect(toRunnerError(new CalcomError('overloaded', 'full'))).toMatchObject({ retryAfterMs: 5_000 });
  });

  it('when Cal.com itself failed (5xx, network, timeout), then the partition pauses briefly and no attempt counts', () => {
    for (const kind of ['server_error', 'network_error', 'timeout'] as const) {
      const mapped = toRunnerError(new CalcomError(kind, 'x'));
      expect(mapped).toBeInstanceOf(DependencyUnavailableError);
      expect(mapped).toMatchObject({ disposition: 'dependency_down', retryAfterMs: 2_000 });
    }
  });

  it('when it is anything else, then it is left as it is', () => {
    const other = new Error('bug');
    expect(toRunnerError(other)).toBe(other);
    const invalid = new CalcomError('invalid_request', 'no');
    expect(toRunnerError(invalid)).toBe(invalid);
    const conflict = new CalcomError('conflict', 'busy', { status: 409 });
    expect(toRunnerError(conflict)).toBe(conflict);
  });
});
