import type { Redis } from 'ioredis';
import type { AnswerMemory, GivenAnswer } from './answer-call-inbound';

/**
 * call_inbound answers in Redis by Retell's call_inbound.call_id, for as long as Retell retries
 * (10 s per attempt, 3 retries) and well beyond. Redis down: nothing is remembered and a retry is
 * answered afresh from the same directory, which in all but a changing directory is the same answer.
 */
export class RedisAnswerMemory implements AnswerMemory {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 600,
    private readonly onRedisError: (error: Error) => void = () => undefined,
  ) {}

  async recall(callId: string): Promise<GivenAnswer | undefined> {
    try {
      const held = await this.redis.get(key(callId));
      return held ? (JSON.parse(held) as GivenAnswer) : undefined;
    } catch (error) {
      this.onRedisError(error as Error);
      return undefined;
    }
  }

  async remember(callId: string, answer: GivenAnswer): Promise<void> {
    try {
      await this.redis.set(key(callId), JSON.stringify(answer), 'EX', this.ttlSeconds, 'NX');
    } catch (error) {
      this.onRedisError(error as Error);
    }
  }
}

/** Retell ids are letters, digits, _ and - (bounded by the contract): safe in a key as they are. */
const key = (callId: string) => `ingress:inbound:${callId}`;
