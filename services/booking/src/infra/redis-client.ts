import { Redis } from 'ioredis';
import type { Logger } from '@rb/observability';

export interface RedisTimeouts {
  /** a command without an answer for this long fails, and its connection is dropped */
  commandMs: number;
  /** a TCP connection not made in this long is given up (ioredis then retries with its backoff) */
  connectMs: number;
}

/** As ingress's: a hung Redis must cost a cache miss or an open budget, never a stuck intent. */
export const REDIS_TIMEOUTS: RedisTimeouts = { commandMs: 1_000, connectMs: 2_000 };

/**
 * booking's Redis client (the availability cache and the Cal.com call budget, both failing open):
 * no offline queue and one retry per command, so nothing waits for a Redis that is down, and
 * timeouts so nothing waits for one that hangs. Connected by the caller (`connect()`).
 */
export function makeRedisClient(url: string, log: Logger, timeouts: RedisTimeouts = REDIS_TIMEOUTS): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // each command fails after this long: a socket-level timer alone (ingress's) drops the hung
    // connection, but a Redis that still accepts connections and never answers keeps the command
    // waiting across reconnects for ever (ioredis counts its retries only between failed connects)
    commandTimeout: timeouts.commandMs,
    // and the hung connection is dropped, so the next command gets a fresh one
    socketTimeout: timeouts.commandMs,
    connectTimeout: timeouts.connectMs,
    enableAutoPipelining: true,
    lazyConnect: true,
  });
  redis.on('error', (error: Error) => log.debug({ err: error.message }, 'redis connection error'));
  return redis;
}
