/** What the webhook use case needs from the outside world; implemented in src/infra. */

export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Resolves once the broker acknowledged the message (acks=all); rejects when it could not be stored. */
export interface EventPublisher {
  publish(message: OutgoingMessage): Promise<void>;
}

/**
 * Remembers which events were stored so Retell's redeliveries are not produced twice.
 * `claim` answers `claimed` (go ahead, then `confirm` or `release`), `duplicate` (already
 * stored) or `busy` (another delivery of it is being stored right now and did not finish in time).
 */
export type ClaimResult = { kind: 'claimed'; token: string } | { kind: 'duplicate' } | { kind: 'busy' };
export interface EventDeduplicator {
  claim(eventId: string): Promise<ClaimResult>;
  confirm(eventId: string, token: string): Promise<void>;
  release(eventId: string, token: string): Promise<void>;
}

export type RateDecision = { kind: 'allowed' } | { kind: 'limited'; retryAfterSeconds: number };
export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
}
