import { createHash, createHmac } from 'node:crypto';

/**
 * The number a caller rings from, reduced to what identifies it: a leading + and the digits
 * ("+49 176 1234-5678" and "+4917612345678" are one caller). Empty when nothing is left.
 */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (!digits) return '';
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/**
 * The index key of a caller at a company: a keyed digest (HMAC-SHA256 with CALLER_INDEX_KEY) of
 * the company and the normalised number, so booking can find a caller's bookings and check that a
 * booking is theirs without storing the number. Without a key it is a plain SHA-256 digest, which
 * hides the number from a casual reader only (numbers are few enough to try them all): set the key.
 * The company id is read case-insensitively (a UUID written in capitals is the same company).
 * undefined for a number that is empty once normalised.
 */
export function callerDigest(key: Buffer | undefined, companyId: string, phone: string): string | undefined {
  const number = normalisePhone(phone);
  if (!number) return undefined;
  const message = `${companyId.toLowerCase()}\n${number}`;
  return key
    ? createHmac('sha256', key).update(message).digest('hex')
    : createHash('sha256').update(`rb-caller:${message}`).digest('hex');
}
