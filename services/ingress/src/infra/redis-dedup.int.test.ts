import { Redis } from 'ioredis';
import pino from 'pino';
import { createMetricsRegistry } from '@rb/observability';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { withFreshCallId } from '../../test/support';
import { makeIngressMetrics } from '../ingress-metrics';
import type { EventPublisher, RateLimiter } from '../webhooks/ports';
import { makeReceiveWebhook } from '../webhooks/receive-webhook';
import { signRetellBody } from '../webhooks/verify-signature';
import { RedisDeduplicator } from './redis-dedup';

const KEY = 'key-int-dedup-0001';

/**
 * Integration: the webhook use case with the real Redis claims. A claim taken before the produce
 * must be given back on every early return or throw; a claim kept by mistake blocks each
 * redelivery of the event (the in-process entry waits for an outcome that never comes).
 */
describe('dedup claims of webhooks that end before their produce', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  function setUp(publish: EventPublisher['publish'], take: RateLimiter['take']) {
    const keyPrefix = `${uniqueName('it:dedup')}:`;
    const metrics = makeIngressMetrics(createMetricsRegistry(uniqueName('dedup')));
    const log = pino({ level: 'silent' });
    const receive = makeReceiveWebhook({
      apiKey: KEY,
      signatureToleranceMs: 300_000,
      answerWithinMs: 5_000,
      topicSchemaId: () => 7,
      source: '/test',
      publisher: { publish },
      // a claim left behind would hold its key for a minute, and block redeliveries as long
      dedup: new RedisDeduplicator({
        redis,
        doneTtlSeconds: 600,
        pendingTtlMs: 60_000,
        waitForPendingMs: 60_000,
        metrics,
        log,
        keyPrefix,
      }),
      rateLimiter: { take },
      metrics,
      clock: Date.now,
      log,
    });
    const { body } = withFreshCallId('01-call_started.salon-inbound.json');
    const send = () => receive({ rawBody: body, signature: signRetellBody(body, KEY, Date.now()) });
    const keys = async () => {
      const found = await redis.keys(`${keyPrefix}*`);
      return Promise.all(found.map((k) => redis.get(k)));
    };
    return { send, keys };
  }

  it('when the publisher throws before producing, then the claim is released and the redelivery is stored', async () => {
    let broken = true;
    const publish = jest.fn((): Promise<void> => {
      if (broken) throw new Error('adapter bug');
      return Promise.resolve();
    });
    const { send, keys } = setUp(publish, async () => ({ kind: 'allowed' }));

    await expect(send()).rejects.toThrow('adapter bug');
    expect(await keys()).toEqual([]);

    broken = false;
    expect(await send()).toMatchObject({ kind: 'stored' });
    expect(await keys()).toEqual(['done']);
    expect(publish).toHaveBeenCalledTimes(2);
  });

  it('when the rate limiter fails, then the claim is released and the redelivery is stored', async () => {
    let failing = true;
    const take = jest.fn(async () => {
      if (failing) throw new Error('limiter down');
      return { kind: 'allowed' as const };
    });
    const { send, keys } = setUp(async () => undefined, take);

    await expect(send()).rejects.toThrow('limiter down');
    expect(await keys()).toEqual([]);

    failing = false;
    expect(await send()).toMatchObject({ kind: 'stored' });
    expect(await keys()).toEqual(['done']);
  });

  it('when the business is over its rate, then the claim is released and nothing is remembered', async () => {
    const { send, keys } = setUp(
      async () => undefined,
      async () => ({ kind: 'limited', retryAfterSeconds: 3 }),
    );
    expect(await send()).toMatchObject({ kind: 'rejected', reason: 'rate_limited' });
    expect(await keys()).toEqual([]);
  });
});
