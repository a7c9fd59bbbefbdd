import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Retell's `X-Retell-Signature: v=<unix ms>,d=<hex>` where
 * hex = HMAC-SHA256(key = Retell API key, message = raw body bytes + "<unix ms>").
 * Verified over the raw bytes exactly as received (re-serialising breaks ü/ß), within a
 * ± tolerance window, compared in constant time.
 */
export type SignatureCheck =
  { kind: 'valid' } | { kind: 'invalid'; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

const HEADER = /^v=(\d{1,16}),d=([0-9a-f]{64})$/i;

export function verifyRetellSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  apiKey: string,
  nowMs: number,
  toleranceMs = 300_000,
): SignatureCheck {
  if (!header) return { kind: 'invalid', reason: 'missing' };
  const match = HEADER.exec(header.trim());
  if (!match) return { kind: 'invalid', reason: 'malformed' };
  const [, timestamp, digest] = match as unknown as [string, string, string];
  const ts = Number(timestamp);
  if (!Number.isSafeInteger(ts) || Math.abs(nowMs - ts) > toleranceMs) return { kind: 'invalid', reason: 'stale' };
  const expected = createHmac('sha256', apiKey).update(rawBody).update(timestamp, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(digest, 'hex'))
    ? { kind: 'valid' }
    : { kind: 'invalid', reason: 'mismatch' };
}

/** Produces a header Retell would send; for tests, the demo and the benchmark. */
export function signRetellBody(rawBody: Uint8Array | string, apiKey: string, nowMs: number): string {
  const digest = createHmac('sha256', apiKey).update(rawBody).update(String(nowMs), 'utf8').digest('hex');
  return `v=${nowMs},d=${digest}`;
}
