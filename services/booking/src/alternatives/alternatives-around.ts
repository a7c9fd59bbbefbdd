import { DateTime } from 'luxon';
import type { FetchSlots, RedisAvailabilityCache } from '../infra/redis-availability-cache';
import type { Alternative, Branch } from './find-alternatives';
import { findAlternatives } from './find-alternatives';

/** What a search for alternatives around a taken start needs. */
export interface AlternativesAroundQuery {
  cache: RedisAvailabilityCache;
  /** the Cal.com account (the cache's and the budget's key) */
  account: string;
  /** the account's slots, read on a cache miss */
  fetchSlots: FetchSlots;
  eventTypeId: number;
  /** the service's length: a start whose span a booking holds is not free (0: starts only) */
  durationMinutes: number;
  branch: Branch;
  /** the wished start that is taken, a UTC instant */
  wishedStartUtc: string;
  /** the zone whose local days are searched (the branch's) */
  timeZone: string;
  /** days after the wished day that may be offered */
  windowDays: number;
  count: number;
  now: Date;
}

/**
 * The ranked alternatives for a wished start that is taken: the free starts of the wished day and
 * the `windowDays` after it (Redis first, Cal.com only on a miss), ranked by `findAlternatives`.
 * One search for every path that meets a taken slot (a post-call intent, a live reschedule).
 */
export async function alternativesAround(query: AlternativesAroundQuery): Promise<Alternative[]> {
  const wishDay = DateTime.fromISO(query.wishedStartUtc, { zone: 'utc' }).setZone(query.timeZone).startOf('day');
  const free = await query.cache.freeStarts(
    query.account,
    query.eventTypeId,
    wishDay.toISODate()!,
    wishDay.plus({ days: query.windowDays }).toISODate()!,
    query.timeZone,
    query.fetchSlots,
    query.durationMinutes,
  );
  return findAlternatives({
    wishedStartUtc: query.wishedStartUtc,
    freeStartsUtc: [...free.values()].flat(),
    branch: query.branch,
    windowDays: query.windowDays,
    count: query.count,
    nowUtc: query.now.toISOString(),
  });
}
