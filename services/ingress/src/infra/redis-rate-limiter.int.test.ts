import { Redis } from 'ioredis';
import pino from 'pino';
import { createMetricsRegistry } from '@rb/observability';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { makeIngressMetrics } from '../ingress-metrics';
import { RedisRateLimiter } from './redis-rate-limiter';

/** Integration: the real Redis, two limiters standing for two ingress replicas. */
describe('the leased per-business rate limit', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
  let now = minuteStart + 15_000;

  function replica(keyPrefix: string, limitPerMinute: number) {
    const redis = new Redis(testRedisUrl());
    clients.push(redis);
    const limiter = new RedisRateLimiter({
      redis,
      limitPerMinute,
      metrics: makeIngressMetrics(createMetricsRegistry(uniqueName('rate'))),
      log: pino({ level: 'silent' }),
      keyPrefix,
      clock: () => now,
    });
    const leases = jest.spyOn(redis as unknown as { ingressRateLease: () => Promise<number> }, 'ingressRateLease');
    return { limiter, leases };
  }

  it('when two replicas take webhooks of one business concurrently, then the minute allows the limit minus at most one unused lease, asking Redis once per lease', async () => {
    now = minuteStart + 15_000;
    const prefix = `${uniqueName('it:rate')}:`;
    const [a, b] = [replica(prefix, 1_000), replica(prefix, 1_000)];
    const decisions = await Promise.all(
      Array.from({ length: 1_500 }, (_, i) => (i % 2 === 0 ? a : b).limiter.take('+4930123456')),
    );
    const allowed = decisions.filter((d) => d.kind === 'allowed').length;
    // lease = 1 % of 1,000: a replica that ran dry may refuse while the other holds up to 9 unused
    expect(allowed).toBeLessThanOrEqual(1_000);
    expect(allowed).toBeGreaterThanOrEqual(1_000 - 9);
    const calls = a.leases.mock.calls.length + b.leases.mock.calls.length;
    expect(calls).toBeLessThanOrEqual(1_000 / 10 + 2);
    // refused until the minute ends, 45 s after the clock's now
    expect(decisions.find((d) => d.kind === 'limited')).toEqual({ kind: 'limited', retryAfterSeconds: 45 });
    // the refusal is answered from memory
    const before = a.leases.mock.calls.length;
    expect(await a.limiter.take('+4930123456')).toMatchObject({ kind: 'limited' });
    expect(a.leases.mock.calls.length).toBe(before);
    // another business is unaffected
    expect(await a.limiter.take('+4940999999')).toEqual({ kind: 'allowed' });
  });

  it('when the next minute starts, then the business may send again', async () => {
    now = minuteStart + 15_000;
    const prefix = `${uniqueName('it:rate')}:`;
    const { limiter } = replica(prefix, 3);
    const first = await Promise.all([1, 2, 3, 4].map(() => limiter.take('+4930555')));
    expect(first.filter((d) => d.kind === 'allowed')).toHaveLength(3);
    now = minuteStart + 60_000 + 1_000;
    expect(await limiter.take('+4930555')).toEqual({ kind: 'allowed' });
  });

  it('when many webhooks of a business arrive while a lease is being taken, then they share that one request', async () => {
    now = minuteStart + 15_000;
    const { limiter, leases } = replica(`${uniqueName('it:rate')}:`, 6_000);
    const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter.take('+4930777')));
    expect(decisions.every((d) => d.kind === 'allowed')).toBe(true);
    expect(leases).toHaveBeenCalledTimes(1);
  });
});
