/**
 * Free text from elsewhere (a remote API's error message, an error's text on its way into a dead
 * letter's headers) with what may identify a person replaced: e-mail addresses, phone numbers
 * (7 or more digits, with or without separators; dates are kept), and the `known` values the
 * caller knows are personal (an attendee's name, number or address; a name also word by word).
 * A safety net for text nobody controls, not a licence to put personal data into messages.
 */
export function redactPersonalData(text: string, known: readonly (string | null | undefined)[] = []): string {
  // the patterns first: a name part inside an address must not hide the address from them
  let out = text
    .replace(EMAIL, '[email]')
    .replace(URL_ENCODED_EMAIL, '[email]')
    .replace(PHONE, (match) => (DATE.test(match) ? match : '[phone]'));
  for (const value of knownPatterns(known)) out = out.replace(value, '[redacted]');
  return out;
}

/**
 * An error code from elsewhere when it looks like one (`BadRequestException`, `CALCOM_TIMEOUT`,
 * `23505`): one word, no long digit run, nothing the redaction would touch; else undefined.
 */
export function safeErrorCode(code: string | undefined): string | undefined {
  if (code === undefined || !CODE.test(code) || /\d{7}/.test(code)) return undefined;
  return redactPersonalData(code) === code ? code : undefined;
}

const EMAIL = /[^\s@<>()[\]{}"'`,;:]+@[^\s@<>()[\]{}"'`,;:]+\.[\p{L}]{2,}/giu;
const URL_ENCODED_EMAIL = /[\w.+%-]+%40[\w.-]+\.[a-z]{2,}/gi;
/** 7+ digits, each followed by at most two separators, not inside a word or an id */
const PHONE = /(?<![\w])\+?(?:\d[\s\-./()]{0,2}){6,}\d(?![\w])/g;
/** 2026-10-13, 13.10.2026: a date, not a number */
const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})\b/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
/** shorter name parts ("Li", "de") are too common to replace everywhere; the whole name still is */
const MIN_PART_LENGTH = 3;

function knownPatterns(known: readonly (string | null | undefined)[]): RegExp[] {
  const values = new Set<string>();
  for (const value of known) {
    const whole = value?.trim();
    if (!whole) continue;
    values.add(whole);
    for (const part of whole.split(/[\s,]+/)) if (part.length >= MIN_PART_LENGTH) values.add(part);
  }
  // longest first, so a whole name goes before its parts
  return [...values]
    .sort((a, b) => b.length - a.length)
    .map((value) => new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'));
}
