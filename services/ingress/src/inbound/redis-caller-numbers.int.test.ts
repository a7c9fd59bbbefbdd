import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { CALLER_NUMBER_TTL_SECONDS, RedisCallerNumbers } from './redis-caller-numbers';

/** Integration: the caller numbers call_inbound records, in the real Redis. */
describe('the caller numbers of live calls in Redis', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  it('when a call’s number is recorded, then it is recalled by the call id, held for hours, and the number is in no key; a second record cannot replace it', async () => {
    const callers = new RedisCallerNumbers(redis);
    const callId = uniqueName('call').replace('.', '_');
    await callers.remember(callId, '+4917612345678');
    await callers.remember(callId, '+4930999888777');
    expect(await callers.recall(callId)).toBe('+4917612345678');
    expect(await callers.recall(`${callId}x`)).toBeUndefined();
    const ttl = await redis.ttl(`ingress:caller:${callId}`);
    expect(ttl).toBeGreaterThan(CALLER_NUMBER_TTL_SECONDS - 60);
    expect(ttl).toBeGreaterThanOrEqual(3600);
    expect(await redis.keys('*4917612345678*')).toEqual([]);
  });

  it('when Redis is unreachable, then nothing is recalled (the tools answer caller_unknown) and the error is reported, never thrown', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => undefined);
    const errors: string[] = [];
    const callers = new RedisCallerNumbers(down, undefined, (error) => errors.push(error.message));
    await callers.remember('call_down', '+4917612345678');
    expect(await callers.recall('call_down')).toBeUndefined();
    expect(errors).toHaveLength(2);
    down.disconnect();
  });
});
