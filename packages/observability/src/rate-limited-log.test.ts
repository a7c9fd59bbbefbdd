import { createLogger } from './logger';
import { rateLimitedWarn } from './rate-limited-log';

describe('rate-limited warnings', () => {
  it('when the same reason comes many times within the window, then it is logged once, and the next line says how many were left out', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      service: 't',
      level: 'info',
      destination: { write: (l: string) => void lines.push(JSON.parse(l)) },
    });
    let now = 0;
    const warn = rateLimitedWarn(log, 10_000, () => now);
    for (let i = 0; i < 500; i++) warn('kafka_unavailable', { reason: 'kafka_unavailable' }, 'answered 503');
    warn('busy', { reason: 'busy' }, 'answered 503');
    expect(lines.map((l) => [l.reason, l.suppressedSinceLast])).toEqual([
      ['kafka_unavailable', 0],
      ['busy', 0],
    ]);
    now = 10_000;
    warn('kafka_unavailable', { reason: 'kafka_unavailable' }, 'answered 503');
    expect(lines.at(-1)).toMatchObject({ reason: 'kafka_unavailable', suppressedSinceLast: 499, msg: 'answered 503' });
  });
});
