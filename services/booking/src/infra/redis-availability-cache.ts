import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';

/** What the cache asks Cal.com for on a miss: free starts (UTC) per local day of the range. */
export type FetchSlots = (query: {
  eventTypeId: number;
  startUtc: string;
  endUtc: string;
  timeZone: string;
}) => Promise<{ day: string; startsUtc: string[] }[]>;

export interface AvailabilityCacheOptions {
  redis: Redis;
  /** how long a day's free slots are trusted (short: others book in Cal.com too) */
  ttlSeconds: number;
  keyPrefix?: string;
  onLookup?: (result: 'hit' | 'miss') => void;
  onRedisError?: (error: Error) => void;
}

/**
 * Free slots per (Cal.com account, event type, local day) in Redis, shared by replicas. Our own
 * bookings and cancellations bump a generation per (account, day), which invalidates every event
 * type of that account on that day at once (event types share hosts). One round trip per lookup
 * (MGET of the generation and the days); Redis down: straight to Cal.com.
 */
export class RedisAvailabilityCache {
  constructor(private readonly options: AvailabilityCacheOptions) {}

  /** Free starts (UTC) for each local day from `fromDay` to `toDay` inclusive (YYYY-MM-DD). */
  async freeStarts(
    account: string,
    eventTypeId: number,
    fromDay: string,
    toDay: string,
    timeZone: string,
    fetchSlots: FetchSlots,
  ): Promise<Map<string, string[]>> {
    const days: string[] = [];
    for (let d = DateTime.fromISO(fromDay); d.toISODate()! <= toDay; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
    const result = new Map<string, string[]>();
    let cached: (string | null)[] = [];
    let generations: (string | null)[] = [];
    try {
      const values = await this.options.redis.mget(
        ...days.map((day) => this.generationKey(account, day)),
        ...days.map((day) => this.slotsKey(account, eventTypeId, day)),
      );
      generations = values.slice(0, days.length);
      cached = values.slice(days.length);
    } catch (error) {
      this.options.onRedisError?.(error as Error);
    }
    const missing: string[] = [];
    days.forEach((day, i) => {
      const entry = cached[i] ? (JSON.parse(cached[i]!) as { generation: string; startsUtc: string[] }) : undefined;
      if (entry && entry.generation === (generations[i] ?? '0')) result.set(day, entry.startsUtc);
      else missing.push(day);
    });
    for (let i = 0; i < days.length - missing.length; i++) this.options.onLookup?.('hit');
    if (missing.length === 0) return result;
    for (let i = 0; i < missing.length; i++) this.options.onLookup?.('miss');

    // one Cal.com call for the span of the missing days
    const first = DateTime.fromISO(missing[0]!, { zone: timeZone }).startOf('day');
    const last = DateTime.fromISO(missing[missing.length - 1]!, { zone: timeZone }).endOf('day');
    const fetched = await fetchSlots({
      eventTypeId,
      startUtc: first.toUTC().toISO()!,
      endUtc: last.toUTC().toISO()!,
      timeZone,
    });
    const byDay = new Map(fetched.map((d) => [d.day, d.startsUtc]));
    const writes: [string, string][] = [];
    for (const day of missing) {
      const startsUtc = byDay.get(day) ?? [];
      result.set(day, startsUtc);
      const generation = generations[days.indexOf(day)] ?? '0';
      writes.push([this.slotsKey(account, eventTypeId, day), JSON.stringify({ generation, startsUtc })]);
    }
    try {
      const pipeline = this.options.redis.pipeline();
      for (const [key, value] of writes) pipeline.set(key, value, 'EX', this.options.ttlSeconds);
      await pipeline.exec();
    } catch (error) {
      this.options.onRedisError?.(error as Error);
    }
    return new Map([...result.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** After our own booking, cancellation or move on that local day: every event type of the account. */
  async invalidate(account: string, day: string): Promise<void> {
    try {
      const key = this.generationKey(account, day);
      await this.options.redis
        .multi()
        .incr(key)
        .expire(key, 7 * 86_400)
        .exec();
    } catch (error) {
      this.options.onRedisError?.(error as Error);
    }
  }

  private generationKey(account: string, day: string): string {
    return `${this.options.keyPrefix ?? 'booking:slots:'}gen:${account}:${day}`;
  }
  private slotsKey(account: string, eventTypeId: number, day: string): string {
    return `${this.options.keyPrefix ?? 'booking:slots:'}${account}:${eventTypeId}:${day}`;
  }
}
