import type { Redis } from 'ioredis';

/**
 * The number each live call came from, as Retell asserted it in the signed call_inbound, by the
 * call's id. Args-only tool requests carry only what the LLM writes into their arguments, so the
 * caller's number for finding, moving and cancelling bookings comes from here, never from them.
 */
export interface CallerNumbers {
  remember(callId: string, callerPhone: string): Promise<void>;
  /** the number call_inbound recorded for the call; undefined when none (or Redis is unavailable) */
  recall(callId: string): Promise<string | undefined>;
}

/** Long enough for any phone call (Retell ends calls after an hour by default). */
export const CALLER_NUMBER_TTL_SECONDS = 4 * 3600;

/**
 * In Redis by Retell's call id (a random id: a forged call id would have to guess another live
 * call's), the number only in the value, never in the key. Redis down: nothing is remembered or
 * recalled, and args-only tools answer `caller_unknown` (fail closed).
 */
export class RedisCallerNumbers implements CallerNumbers {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = CALLER_NUMBER_TTL_SECONDS,
    private readonly onRedisError: (error: Error) => void = () => undefined,
  ) {}

  async remember(callId: string, callerPhone: string): Promise<void> {
    try {
      // NX: the first call_inbound of a call id is its number; a second cannot replace it
      await this.redis.set(key(callId), callerPhone, 'EX', this.ttlSeconds, 'NX');
    } catch (error) {
      this.onRedisError(error as Error);
    }
  }

  async recall(callId: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(key(callId))) ?? undefined;
    } catch (error) {
      this.onRedisError(error as Error);
      return undefined;
    }
  }
}

/** Retell ids are letters, digits, _ and - (bounded by the contract): safe in a key as they are. */
const key = (callId: string) => `ingress:caller:${callId}`;
