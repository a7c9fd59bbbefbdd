import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@rb/observability';
import type { RateDecision, RateLimiter } from '../webhooks/ports';
import type { IngressMetrics } from '../ingress-metrics';

const WINDOW_MS = 60_000;

/** Takes `lease` webhooks of the key's minute at once: INCRBY, and the expiry on the first take. */
const LEASE = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  limitPerMinute: number;
  /** webhooks taken from Redis at a time; default 1 % of the limit (at least 1) */
  leaseSize?: number;
  metrics: IngressMetrics;
  log: Logger;
  keyPrefix?: string;
  clock?: () => number;
}

interface Allowance {
  /** webhooks this replica may still accept in the current minute without asking Redis */
  remaining: number;
  /** set when Redis had fewer left than a lease: once `remaining` is spent, refuse until then */
  exhaustedUntil: number | undefined;
  leasing: Promise<'leased' | 'failed-open'> | undefined;
}

/**
 * Webhooks per business (its phone number) and minute, shared by every replica through one
 * counter in Redis. A replica takes a lease of webhooks from the counter and hands them out
 * locally, so Redis is asked about once per lease instead of once per webhook (asking per webhook
 * was a sixth of ingress's throughput). The counter never passes the limit; a replica that ran
 * out may refuse while another still holds unused leased webhooks, at most (replicas − 1) ×
 * (lease − 1) early in a minute: 1 % of the limit per other replica by default.
 * Keys hold a hash of the number, not the number. Fails open when Redis is unavailable: refusing
 * Retell's webhooks would lose them after its retries run out.
 */
export class RedisRateLimiter implements RateLimiter {
  private window = -1;
  private readonly allowances = new Map<string, Allowance>();
  private readonly leaseSize: number;
  private readonly clock: () => number;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.leaseSize = options.leaseSize ?? Math.max(1, Math.floor(options.limitPerMinute / 100));
    this.clock = options.clock ?? Date.now;
    // defineCommand sends EVALSHA (the script once, then its hash) instead of the script each time
    if (!('ingressRateLease' in options.redis))
      options.redis.defineCommand('ingressRateLease', { numberOfKeys: 1, lua: LEASE });
  }

  async take(key: string): Promise<RateDecision> {
    for (;;) {
      const now = this.clock();
      const window = Math.floor(now / WINDOW_MS);
      if (window !== this.window) {
        // a new minute: every business starts again, and last minute's allowances are forgotten
        this.window = window;
        this.allowances.clear();
      }
      let allowance = this.allowances.get(key);
      if (!allowance) {
        allowance = { remaining: 0, exhaustedUntil: undefined, leasing: undefined };
        this.allowances.set(key, allowance);
      }
      if (allowance.remaining > 0) {
        allowance.remaining -= 1;
        return { kind: 'allowed' };
      }
      if (allowance.exhaustedUntil !== undefined) {
        return { kind: 'limited', retryAfterSeconds: Math.max(1, Math.ceil((allowance.exhaustedUntil - now) / 1000)) };
      }
      if (!allowance.leasing) {
        const leasing = this.lease(key, window, allowance);
        allowance.leasing = leasing;
        void leasing.finally(() => {
          if (allowance.leasing === leasing) allowance.leasing = undefined;
        });
      }
      const leased = await allowance.leasing;
      if (leased === 'failed-open') return { kind: 'allowed' };
    }
  }

  private async lease(key: string, window: number, allowance: Allowance): Promise<'leased' | 'failed-open'> {
    const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    try {
      const redis = this.options.redis as Redis & {
        ingressRateLease(key: string, lease: string, ttlMs: string): Promise<number>;
      };
      const count = await redis.ingressRateLease(
        `${this.options.keyPrefix ?? 'ingress:rate:'}${hashed}:${window}`,
        String(this.leaseSize),
        String(WINDOW_MS),
      );
      const before = count - this.leaseSize;
      const granted = Math.max(0, Math.min(this.leaseSize, this.options.limitPerMinute - before));
      allowance.remaining += granted;
      // the minute's counter is spent: refuse until the next minute starts
      if (granted < this.leaseSize) allowance.exhaustedUntil = (window + 1) * WINDOW_MS;
      return 'leased';
    } catch (error) {
      this.options.metrics.dependencyErrors.inc({ dependency: 'redis', operation: 'rate_limit' });
      this.options.log.warn({ err: (error as Error).message }, 'redis unavailable: rate limiting fails open');
      return 'failed-open';
    }
  }
}
