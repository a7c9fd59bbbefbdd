import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { startScriptedCalcom, success } from '../../test/scripted-calcom';
import { CalcomClient } from '../calcom/calcom-client';
import { CalcomGateway } from '../calcom/calcom-gateway';
import { RedisCallBudget } from './redis-call-budget';

/** Integration: the real Redis; two budgets stand for two booking replicas sharing a credential. */
describe('the per-credential Cal.com call budget shared through Redis', () => {
  const clients: Redis[] = [];
  afterAll(() => Promise.all(clients.map((c) => c.quit())));
  const budget = (
    prefix: string,
    options: { maxWaitMs: number; clock?: () => number; sleep?: (ms: number) => Promise<void> },
  ) => {
    const redis = new Redis(testRedisUrl());
    clients.push(redis);
    return new RedisCallBudget({ redis, perMinute: 120, burst: 10, keyPrefix: prefix, ...options });
  };

  it('when two replicas call at once, then together they get the burst and then one call per 500 ms', async () => {
    let now = 1_764_000_000_000;
    const prefix = `${uniqueName('it:budget')}:`;
    const [a, b] = [
      budget(prefix, { maxWaitMs: 0, clock: () => now }),
      budget(prefix, { maxWaitMs: 0, clock: () => now }),
    ];
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('acct-1')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 1 });
    // another credential has its own budget
    await expect(a.take('acct-2')).resolves.toBeUndefined();
    now += 499;
    await expect(a.take('acct-1')).rejects.toMatchObject({ kind: 'rate_limited' });
    now += 1;
    await expect(b.take('acct-1')).resolves.toBeUndefined();
  });

  it('when a call may wait, then it waits for its turn instead of failing', async () => {
    let now = 1_764_000_000_000;
    const waits: number[] = [];
    const prefix = `${uniqueName('it:budget')}:`;
    const patient = budget(prefix, {
      maxWaitMs: 2_000,
      clock: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 12; i++) await patient.take('acct-1');
    expect(waits).toEqual([500, 500]);
  });

  it('when the gateway is given the budget, then its calls keep to it (real time: 5 calls, burst 2, one per 100 ms)', async () => {
    const fake = await startScriptedCalcom();
    try {
      fake.script(() => success({ id: 1, uid: 'b1', status: 'accepted', start: 's', end: 'e' }));
      const shared = new RedisCallBudget({
        redis: (clients[0] as Redis) ?? new Redis(testRedisUrl()),
        perMinute: 600, // one per 100 ms
        burst: 2,
        maxWaitMs: 5_000,
        keyPrefix: `${uniqueName('it:budget')}:`,
      });
      const gateway = new CalcomGateway(new CalcomClient({ baseUrl: fake.url, token: 'cal_x' }), {
        account: 'acct-1',
        budget: () => shared.take('acct-1'),
      });
      for (let i = 0; i < 5; i++) await gateway.getBooking('b1');
      // two at once (the burst), then the n-th call no sooner than (n - 1) intervals after the first
      const sinceFirst = fake.seen.map((r) => r.at - fake.seen[0]!.at);
      for (let n = 2; n < 5; n++) expect(sinceFirst[n]).toBeGreaterThanOrEqual((n - 1) * 100 - 10);
    } finally {
      await fake.stop();
    }
  });
});
