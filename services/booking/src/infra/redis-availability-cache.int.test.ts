import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import type { FetchSlots } from './redis-availability-cache';
import { RedisAvailabilityCache } from './redis-availability-cache';

/** Integration: the real Redis; Cal.com is a counting stand-in for the gateway's slots call. */
describe('free slots cached in Redis per account, event type and day', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  function setup(ttlSeconds = 60, fetchAheadDays?: number) {
    const lookups = { hit: 0, miss: 0 };
    const cache = new RedisAvailabilityCache({
      redis,
      ttlSeconds,
      ...(fetchAheadDays ? { fetchAheadDays } : {}),
      keyPrefix: `${uniqueName('it:slots')}:`,
      onLookup: (r) => lookups[r]++,
    });
    const asked: { startUtc: string; endUtc: string; eventTypeId: number }[] = [];
    const fetchSlots: FetchSlots = async (q) => {
      asked.push({ startUtc: q.startUtc, endUtc: q.endUtc, eventTypeId: q.eventTypeId });
      return [
        { day: '2026-10-13', startsUtc: ['2026-10-13T08:00:00.000Z'] },
        { day: '2026-10-14', startsUtc: ['2026-10-14T08:00:00.000Z', '2026-10-14T09:00:00.000Z'] },
      ];
    };
    return { cache, asked, fetchSlots, lookups };
  }

  it('when the same days are asked again, then Cal.com is asked once and the second answer is all hits', async () => {
    const { cache, asked, fetchSlots, lookups } = setup();
    const first = await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-15', 'Europe/Berlin', fetchSlots);
    expect([...first.entries()]).toEqual([
      ['2026-10-13', ['2026-10-13T08:00:00.000Z']],
      ['2026-10-14', ['2026-10-14T08:00:00.000Z', '2026-10-14T09:00:00.000Z']],
      ['2026-10-15', []],
    ]);
    // the local days of Berlin, in UTC
    expect(asked).toEqual([
      { eventTypeId: 1201, startUtc: '2026-10-12T22:00:00.000Z', endUtc: '2026-10-15T21:59:59.999Z' },
    ]);
    const second = await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-15', 'Europe/Berlin', fetchSlots);
    expect(second).toEqual(first);
    expect(asked).toHaveLength(1);
    expect(lookups).toEqual({ hit: 3, miss: 3 });
  });

  it('when we cancelled or moved a booking on a day, then that day of every event type of the account is asked again, and only that day', async () => {
    const { cache, asked, fetchSlots } = setup();
    await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-14', 'Europe/Berlin', fetchSlots);
    await cache.freeStarts('acct-1', 1202, '2026-10-13', '2026-10-14', 'Europe/Berlin', fetchSlots);
    await cache.invalidate('acct-1', '2026-10-14');
    await cache.freeStarts('acct-1', 1202, '2026-10-13', '2026-10-14', 'Europe/Berlin', fetchSlots);
    expect(asked.slice(2)).toEqual([
      { eventTypeId: 1202, startUtc: '2026-10-13T22:00:00.000Z', endUtc: '2026-10-14T21:59:59.999Z' },
    ]);
    // another account is untouched
    await cache.freeStarts('acct-2', 1201, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots);
    await cache.invalidate('acct-1', '2026-10-14');
    await cache.freeStarts('acct-2', 1201, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots);
    expect(asked).toHaveLength(4);
  });

  it('when we booked, then the overlapping starts of every event type of the account are no longer free, without asking Cal.com again', async () => {
    const { cache, asked, fetchSlots, lookups } = setup();
    await cache.freeStarts('acct-1', 1201, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots, 45);
    await cache.freeStarts('acct-1', 1202, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots, 45);
    // 08:30–09:15 UTC holds the host: 08:00 (45 min, until 08:45) and 09:00 both overlap it
    await cache.markBooked('acct-1', '2026-10-14', '2026-10-14T08:30:00.000Z', '2026-10-14T09:15:00.000Z');
    const after = await cache.freeStarts('acct-1', 1202, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots, 45);
    expect(after.get('2026-10-14')).toEqual([]);
    // a 30-minute slot at 08:00 ends when the booking starts: still free
    expect(await cache.peek('acct-1', 1201, '2026-10-14', 30)).toEqual(['2026-10-14T08:00:00.000Z']);
    expect(asked).toHaveLength(2);
    expect(lookups).toEqual({ hit: 1, miss: 2 });
    // another account is untouched; a day the cache does not know says nothing
    expect(await cache.peek('acct-2', 1201, '2026-10-14', 45)).toBeUndefined();
    // a cancellation forgets our busy list with the day: Cal.com's next answer holds the truth
    await cache.invalidate('acct-1', '2026-10-14');
    const fresh = await cache.freeStarts('acct-1', 1202, '2026-10-14', '2026-10-14', 'Europe/Berlin', fetchSlots, 45);
    expect(fresh.get('2026-10-14')).toEqual(['2026-10-14T08:00:00.000Z', '2026-10-14T09:00:00.000Z']);
  });

  it('when a miss fetches ahead, then the next windows of the account come from the cache, and days ahead alone never cost a call', async () => {
    const { cache, asked, fetchSlots, lookups } = setup(60, 10);
    await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-14', 'Europe/Berlin', fetchSlots);
    // one call for the asked days and the 8 after them
    expect(asked).toEqual([
      { eventTypeId: 1201, startUtc: '2026-10-12T22:00:00.000Z', endUtc: '2026-10-22T21:59:59.999Z' },
    ]);
    const later = await cache.freeStarts('acct-1', 1201, '2026-10-14', '2026-10-16', 'Europe/Berlin', fetchSlots);
    expect([...later.keys()]).toEqual(['2026-10-14', '2026-10-15', '2026-10-16']);
    expect(asked).toHaveLength(1);
    expect(lookups).toEqual({ hit: 3, miss: 2 });
  });

  it('when the TTL passed, then Cal.com is asked again', async () => {
    const { cache, asked, fetchSlots } = setup(1);
    await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots);
    expect(asked).toHaveLength(2);
  });

  it('when Redis is down, then the answer comes from Cal.com and the error is reported', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const errors: string[] = [];
    const cache = new RedisAvailabilityCache({
      redis: down,
      ttlSeconds: 60,
      onRedisError: (e) => errors.push(e.message),
    });
    const { fetchSlots, asked } = setup();
    const days = await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots);
    expect(days.get('2026-10-13')).toEqual(['2026-10-13T08:00:00.000Z']);
    expect(asked).toHaveLength(1);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    down.disconnect();
  });
});

describe('a value in the availability cache that it cannot read', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  function setup() {
    const prefix = `${uniqueName('it:slots')}:`;
    const counted = { corrupt: 0, hit: 0, miss: 0 };
    const cache = new RedisAvailabilityCache({
      redis,
      ttlSeconds: 60,
      keyPrefix: prefix,
      onLookup: (r) => counted[r]++,
      onCorruptValue: () => counted.corrupt++,
    });
    let calls = 0;
    const fetchSlots: FetchSlots = async () => {
      calls++;
      return [{ day: '2026-10-13', startsUtc: ['2026-10-13T08:00:00.000Z', '2026-10-13T09:00:00.000Z'] }];
    };
    return { cache, prefix, counted, fetchSlots, calls: () => calls };
  }

  it.each([
    ['not JSON', '\u0000\u00ff{garbage'],
    ['JSON of another shape', '{"generation":0,"startsUtc":"2026-10-13T08:00:00.000Z"}'],
    ['JSON null', 'null'],
    ['starts that are not times', '{"generation":"0","startsUtc":[42,"soon"]}'],
  ])(
    'when a cached day is %s, then the lookup is a miss answered by Cal.com, counted, and the day is cached anew',
    async (_, garbage) => {
      const { cache, prefix, counted, fetchSlots, calls } = setup();
      await redis.set(`${prefix}acct-1:1201:2026-10-13`, garbage, 'EX', 60);

      const days = await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots);
      expect(days.get('2026-10-13')).toEqual(['2026-10-13T08:00:00.000Z', '2026-10-13T09:00:00.000Z']);
      expect(calls()).toBe(1);
      expect(counted).toEqual({ corrupt: 1, hit: 0, miss: 1 });

      // the miss overwrote the garbage: the next lookup is a plain hit
      await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots);
      expect(calls()).toBe(1);
      expect(counted).toEqual({ corrupt: 1, hit: 1, miss: 1 });
    },
  );

  it('when a cached day is garbage, then a peek says the day is unknown instead of throwing', async () => {
    const { cache, prefix, counted } = setup();
    await redis.set(`${prefix}acct-1:1201:2026-10-13`, 'not json at all', 'EX', 60);
    await expect(cache.peek('acct-1', 1201, '2026-10-13', 30)).resolves.toBeUndefined();
    expect(counted.corrupt).toBe(1);
  });

  it('when a busy interval is garbage, then it is skipped and counted, and the readable ones still count', async () => {
    const { cache, prefix, counted, fetchSlots } = setup();
    await cache.markBooked('acct-1', '2026-10-13', '2026-10-13T08:00:00.000Z', '2026-10-13T08:30:00.000Z');
    await redis.rpush(`${prefix}busy:acct-1:2026-10-13`, 'NaN-NaN', '{"oops":1}');

    const days = await cache.freeStarts('acct-1', 1201, '2026-10-13', '2026-10-13', 'Europe/Berlin', fetchSlots, 30);
    expect(days.get('2026-10-13')).toEqual(['2026-10-13T09:00:00.000Z']);
    expect(counted.corrupt).toBe(2);
  });
});
