import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClaimResult, EventDeduplicator } from '../webhooks/ports';
import type { IngressMetrics } from '../ingress-metrics';
import type { Logger } from '@rb/observability';

const DONE = 'done';
/** release only our own claim: a claim that expired and was taken by another delivery stays */
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface RedisDedupOptions {
  redis: Redis;
  /** how long a stored event is remembered */
  doneTtlSeconds: number;
  /** how long an unfinished claim blocks redeliveries (a crashed replica's claim expires) */
  pendingTtlMs: number;
  /** how long a redelivery waits for a claim in progress before answering busy */
  waitForPendingMs: number;
  metrics: IngressMetrics;
  log: Logger;
  keyPrefix?: string;
}

/**
 * Redis claims keyed by the event's deterministic id: `SET NX` with a short TTL while the event
 * is being produced, then `done` with a long TTL. A redelivery that meets a claim in progress
 * waits for its outcome instead of acknowledging an event that may still fail. If Redis itself is
 * unavailable, deduplication fails open: the event is produced (a duplicate on the topic is
 * harmless, downstream consumers are idempotent on ce_id; a lost event is not).
 */
export class RedisDeduplicator implements EventDeduplicator {
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly finish = new Map<string, (stored: boolean) => void>();

  constructor(private readonly options: RedisDedupOptions) {
    if (!('ingressDedupRelease' in options.redis)) {
      options.redis.defineCommand('ingressDedupRelease', { numberOfKeys: 1, lua: RELEASE_IF_OWNER });
    }
  }

  async claim(eventId: string): Promise<ClaimResult> {
    const local = this.inFlight.get(eventId);
    if (local) return (await local) ? { kind: 'duplicate' } : this.claim(eventId);

    const token = `pending:${randomUUID()}`;
    this.inFlight.set(eventId, new Promise<boolean>((resolve) => this.finish.set(eventId, resolve)));
    const deadline = Date.now() + this.options.waitForPendingMs;
    try {
      for (;;) {
        const taken = await this.options.redis.set(this.key(eventId), token, 'PX', this.options.pendingTtlMs, 'NX');
        if (taken === 'OK') return { kind: 'claimed', token };
        const current = await this.options.redis.get(this.key(eventId));
        if (current === DONE) return this.settleLocal(eventId, true, { kind: 'duplicate' });
        if (current !== null && Date.now() >= deadline) return this.settleLocal(eventId, false, { kind: 'busy' });
        if (current !== null) await sleep(25);
      }
    } catch (error) {
      this.redisFailed('claim', error);
      return { kind: 'claimed', token: 'fail-open' };
    }
  }

  async confirm(eventId: string, token: string): Promise<void> {
    this.settleLocal(eventId, true, undefined);
    if (token === 'fail-open') return;
    await this.options.redis
      .set(this.key(eventId), DONE, 'EX', this.options.doneTtlSeconds)
      .catch((error: unknown) => this.redisFailed('confirm', error));
  }

  async release(eventId: string, token: string): Promise<void> {
    this.settleLocal(eventId, false, undefined);
    if (token === 'fail-open') return;
    const redis = this.options.redis as Redis & { ingressDedupRelease(key: string, token: string): Promise<number> };
    await redis
      .ingressDedupRelease(this.key(eventId), token)
      .catch((error: unknown) => this.redisFailed('release', error));
  }

  private settleLocal<T>(eventId: string, stored: boolean, result: T): T {
    this.finish.get(eventId)?.(stored);
    this.finish.delete(eventId);
    this.inFlight.delete(eventId);
    return result;
  }

  private key(eventId: string): string {
    return `${this.options.keyPrefix ?? 'ingress:dedup:'}${eventId}`;
  }

  private redisFailed(operation: string, error: unknown): void {
    this.options.metrics.dependencyErrors.inc({ dependency: 'redis', operation: `dedup_${operation}` });
    this.options.log.warn({ err: (error as Error).message, operation }, 'redis unavailable: deduplication fails open');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
