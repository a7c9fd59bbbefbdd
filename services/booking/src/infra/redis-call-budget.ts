import type { Redis } from 'ioredis';
import { CalcomError } from '../calcom/calcom-errors';

/**
 * GCRA over one Redis key per Cal.com credential: a call may go at `now` when the key's
 * theoretical arrival time is at most `burst - 1` intervals ahead; otherwise the answer is how
 * long to wait. Atomic, and shared by every replica.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then return tat - tolerance - now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now + 1000))
return 0`;

export interface CallBudgetOptions {
  redis: Redis;
  /** calls per minute for one credential (Cal.com allows 120 per API key) */
  perMinute: number;
  /** calls that may go at once after a quiet spell */
  burst: number;
  /** the longest a call waits for its turn; beyond it the caller gets rate_limited and pauses */
  maxWaitMs: number;
  keyPrefix?: string;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Redis unavailable: the budget fails open (Cal.com's own 429 is still handled) */
  onRedisError?: (error: Error) => void;
}

/** Keeps each Cal.com credential under its per-minute limit across all replicas. */
export class RedisCallBudget {
  constructor(private readonly options: CallBudgetOptions) {
    if (!('bookingBudgetTake' in options.redis)) {
      options.redis.defineCommand('bookingBudgetTake', { numberOfKeys: 1, lua: TAKE });
    }
  }

  /** Resolves when a call for this credential may go; throws rate_limited if that is too far off. */
  async take(credentialKey: string): Promise<void> {
    const { perMinute, burst, maxWaitMs } = this.options;
    const clock = this.options.clock ?? Date.now;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const interval = 60_000 / perMinute;
    const redis = this.options.redis as Redis & {
      bookingBudgetTake(key: string, now: string, interval: string, tolerance: string): Promise<number>;
    };
    const deadline = clock() + maxWaitMs;
    for (;;) {
      let waitMs: number;
      try {
        waitMs = Number(
          await redis.bookingBudgetTake(
            `${this.options.keyPrefix ?? 'booking:calcom-budget:'}${credentialKey}`,
            String(clock()),
            String(interval),
            String(interval * (burst - 1)),
          ),
        );
      } catch (error) {
        this.options.onRedisError?.(error as Error);
        return;
      }
      if (waitMs <= 0) return;
      if (clock() + waitMs > deadline) {
        throw new CalcomError('rate_limited', `our budget for Cal.com account ${credentialKey} is spent for now`, {
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        });
      }
      await sleep(waitMs);
    }
  }
}
