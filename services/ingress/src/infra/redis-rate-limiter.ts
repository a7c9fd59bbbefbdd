import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@rb/observability';
import type { RateDecision, RateLimiter } from '../webhooks/ports';
import type { IngressMetrics } from '../webhooks/ingress-metrics';

/** One fixed one-minute window per key: INCR, set the expiry on the first hit, return count and TTL. */
const TAKE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  limitPerMinute: number;
  metrics: IngressMetrics;
  log: Logger;
  keyPrefix?: string;
}

/**
 * Webhooks per business (its phone number) and minute, shared by every replica through Redis.
 * Keys hold a hash of the number, not the number. Fails open when Redis is unavailable: refusing
 * Retell's webhooks would lose them after its retries run out.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly options: RedisRateLimiterOptions) {
    // defineCommand sends EVALSHA (the script once, then its hash) instead of the script each time
    if (!('ingressRateTake' in options.redis))
      options.redis.defineCommand('ingressRateTake', { numberOfKeys: 1, lua: TAKE });
  }

  async take(key: string): Promise<RateDecision> {
    const window = Math.floor(Date.now() / 60_000);
    const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    try {
      const redis = this.options.redis as Redis & {
        ingressRateTake(key: string, ttlMs: string): Promise<[number, number]>;
      };
      const [count, ttlMs] = await redis.ingressRateTake(
        `${this.options.keyPrefix ?? 'ingress:rate:'}${hashed}:${window}`,
        '60000',
      );
      if (count <= this.options.limitPerMinute) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    } catch (error) {
      this.options.metrics.dependencyErrors.inc({ dependency: 'redis', operation: 'rate_limit' });
      this.options.log.warn({ err: (error as Error).message }, 'redis unavailable: rate limiting fails open');
      return { allowed: true };
    }
  }
}
