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
  /**
   * A miss fetches this many days from the first asked day (at least the asked ones), in the same
   * one call: the next callers' windows of the same account are then answered from the cache
   */
  fetchAheadDays?: number;
  keyPrefix?: string;
  onLookup?: (result: 'hit' | 'miss') => void;
  onRedisError?: (error: Error) => void;
  /** a value under one of the cache's keys that it cannot read: used as a miss, never thrown */
  onCorruptValue?: () => void;
}

interface CachedDay {
  generation: string;
  startsUtc: string[];
}

/**
 * Free slots per (Cal.com account, event type, local day) in Redis, shared by replicas.
 * - Our own bookings are recorded as busy intervals per (account, day): a cached start that
 *   overlaps one is not free, for every event type of the account (event types share hosts).
 *   The cached day stays valid, so a busy day does not send every question back to Cal.com.
 * - Cancellations and moves free time we cannot place exactly: they bump a generation per
 *   (account, day), which invalidates every event type of that account on that day at once.
 * One round trip per lookup (the generations, the days and the busy lists, pipelined); Redis
 * down: straight to Cal.com. A value it cannot read (another writer, a partial restore) is a
 * miss, reported through `onCorruptValue`, and the miss overwrites it: a lookup never throws on it.
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
    durationMinutes = 0,
  ): Promise<Map<string, string[]>> {
    // the asked days, then the days a miss fetches ahead (the next questions' windows)
    const lastRead = DateTime.fromISO(fromDay)
      .plus({ days: Math.max(0, (this.options.fetchAheadDays ?? 0) - 1) })
      .toISODate()!;
    const until = toDay > lastRead ? toDay : lastRead;
    const days: string[] = [];
    for (let d = DateTime.fromISO(fromDay); d.toISODate()! <= until; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
    const asked = (day: string) => day <= toDay;
    const result = new Map<string, string[]>();
    const { cached, generations, busy } = await this.read(account, eventTypeId, days);
    const missing: string[] = [];
    days.forEach((day, i) => {
      const entry = this.parseDay(cached[i]);
      if (entry && entry.generation === (generations[i] ?? '0')) {
        if (asked(day)) result.set(day, notBusy(entry.startsUtc, busy[i]!, durationMinutes));
      } else missing.push(day);
    });
    const missingAsked = missing.filter(asked).length;
    for (let i = 0; i < days.filter(asked).length - missingAsked; i++) this.options.onLookup?.('hit');
    // the days ahead are fetched only with a miss among the asked ones: never a call of their own
    if (missingAsked === 0) return result;
    for (let i = 0; i < missingAsked; i++) this.options.onLookup?.('miss');

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
      if (asked(day)) result.set(day, notBusy(startsUtc, busy[days.indexOf(day)]!, durationMinutes));
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

  /**
   * The free starts of one cached day, or undefined when the cache does not know the day: never
   * asks Cal.com (a question before a create must not cost a call).
   */
  async peek(
    account: string,
    eventTypeId: number,
    day: string,
    durationMinutes: number,
  ): Promise<string[] | undefined> {
    const { cached, generations, busy } = await this.read(account, eventTypeId, [day]);
    const entry = this.parseDay(cached[0]);
    if (!entry || entry.generation !== (generations[0] ?? '0')) return undefined;
    return notBusy(entry.startsUtc, busy[0]!, durationMinutes);
  }

  /** After our own booking on that local day: its time is busy for every event type of the account. */
  async markBooked(account: string, day: string, startUtc: string, endUtc: string): Promise<void> {
    try {
      const key = this.busyKey(account, day);
      await this.options.redis
        .multi()
        .rpush(key, `${Date.parse(startUtc)}-${Date.parse(endUtc)}`)
        .expire(key, this.options.ttlSeconds + 60)
        .exec();
    } catch (error) {
      this.options.onRedisError?.(error as Error);
    }
  }

  private async read(account: string, eventTypeId: number, days: string[]) {
    const empty = { cached: days.map(() => null), generations: days.map(() => null), busy: days.map(() => []) };
    try {
      const pipeline = this.options.redis.pipeline();
      pipeline.mget(
        ...days.map((day) => this.generationKey(account, day)),
        ...days.map((day) => this.slotsKey(account, eventTypeId, day)),
      );
      for (const day of days) pipeline.lrange(this.busyKey(account, day), 0, -1);
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
      const values = replies[0]![1] as (string | null)[];
      return {
        generations: values.slice(0, days.length),
        cached: values.slice(days.length),
        busy: replies.slice(1).map(([, intervals]) => this.parseBusy(intervals as string[])),
      };
    } catch (error) {
      this.options.onRedisError?.(error as Error);
      return empty as { cached: (string | null)[]; generations: (string | null)[]; busy: [number, number][][] };
    }
  }

  /** After our own cancellation or move on that local day: every event type of the account. */
  async invalidate(account: string, day: string): Promise<void> {
    try {
      const key = this.generationKey(account, day);
      await this.options.redis
        .multi()
        .incr(key)
        .expire(key, 7 * 86_400)
        // what Cal.com answers next already holds our bookings of the day
        .del(this.busyKey(account, day))
        .exec();
    } catch (error) {
      this.options.onRedisError?.(error as Error);
    }
  }

  /** A cached day as written by `freeStarts`; anything else is reported and read as absent. */
  private parseDay(raw: string | null | undefined): CachedDay | undefined {
    if (raw === null || raw === undefined) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<CachedDay> | null;
      if (
        typeof value?.generation === 'string' &&
        Array.isArray(value.startsUtc) &&
        value.startsUtc.every((start) => typeof start === 'string' && !Number.isNaN(Date.parse(start)))
      )
        return { generation: value.generation, startsUtc: value.startsUtc };
    } catch {
      // not JSON: reported below
    }
    this.options.onCorruptValue?.();
    return undefined;
  }

  /** `<start ms>-<end ms>` intervals as written by `markBooked`; unreadable ones are reported and skipped. */
  private parseBusy(intervals: string[]): [number, number][] {
    const parsed: [number, number][] = [];
    for (const interval of intervals) {
      const match = /^(\d+)-(\d+)$/.exec(interval);
      if (match) parsed.push([Number(match[1]), Number(match[2])]);
      else this.options.onCorruptValue?.();
    }
    return parsed;
  }

  private generationKey(account: string, day: string): string {
    return `${this.options.keyPrefix ?? 'booking:slots:'}gen:${account}:${day}`;
  }
  private busyKey(account: string, day: string): string {
    return `${this.options.keyPrefix ?? 'booking:slots:'}busy:${account}:${day}`;
  }
  private slotsKey(account: string, eventTypeId: number, day: string): string {
    return `${this.options.keyPrefix ?? 'booking:slots:'}${account}:${eventTypeId}:${day}`;
  }
}

/** The starts whose slot (of `durationMinutes`) overlaps none of our own bookings. */
function notBusy(startsUtc: string[], busy: [number, number][], durationMinutes: number): string[] {
  if (busy.length === 0) return startsUtc;
  const length = Math.max(1, durationMinutes) * 60_000;
  return startsUtc.filter((start) => {
    const t = Date.parse(start);
    return !busy.some(([from, to]) => t < to && t + length > from);
  });
}
