import { createHash } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a caller can read it out and an agent spell it back. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The handle a caller and the agent use for a booking (`bk_` + 8 characters, 40 bits), derived
 * from the request's idempotency key so every replica and every retry names it alike. It carries
 * no personal data and cannot be turned back into the key. Unique per company in booking's table:
 * 40 bits can collide, so the handle a request got is the one its row holds (see
 * `publicBookingIdCandidate`), never this recomputed.
 */
export function publicBookingId(idempotencyKey: string): string {
  return fromDigest(createHash('sha256').update(`rb-booking-id:${idempotencyKey}`).digest());
}

/**
 * The handle to try for a request on its `attempt`th try: 0 is publicBookingId of the key; when
 * that handle is already another booking's at the company, the next ones are derived from
 * `<key>#1`, `<key>#2`, … so every replica and every retry tries the same ones in the same order.
 */
export function publicBookingIdCandidate(idempotencyKey: string, attempt: number): string {
  return publicBookingId(attempt === 0 ? idempotencyKey : `${idempotencyKey}#${attempt}`);
}

function fromDigest(digest: Buffer): string {
  let bits = 0n;
  for (const byte of digest.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let i = 7; i >= 0; i--) id += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `bk_${id}`;
}

/**
 * A handle as a caller or an LLM may say it: "bk 3hf8-q2zd", "BK3HF8Q2ZD", with O for 0 and I or L
 * for 1. undefined when it cannot be one.
 */
export function readPublicBookingId(said: string): string | undefined {
  const compact = said
    .toUpperCase()
    .replace(/[\s_\-.]/g, '')
    .replace(/^BK/, '');
  const normalised = compact.replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(normalised)) return undefined;
  return `bk_${normalised}`;
}
