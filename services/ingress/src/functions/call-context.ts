/**
 * The live call a tool request belongs to, as far as booking commands need it: the call's id (the
 * commands' key and their idempotency keys) and the number the caller rang from (whose bookings may
 * be found, moved or cancelled). Never logged: the number is personal data.
 */
export interface CallContext {
  /** Retell's call id; undefined when an args-only tool has no `call_id` const or Retell left it unreplaced */
  callId: string | undefined;
  /** E.164 as Retell sends it; null when unknown: a web call, an outbound call, a withheld number, no const */
  callerPhone: string | null;
  /** the dialled number's directory id, as call_inbound put it into the call's metadata */
  phoneNumberId?: string | undefined;
  /** the number the caller dialled (default mode, inbound phone calls) */
  dialled?: string | undefined;
}

export const UNKNOWN_CALL: CallContext = { callId: undefined, callerPhone: null };

/**
 * The arguments an args-only tool carries the call in, fixed by its definition to Retell's system
 * variables (`const: "{{call_id}}"`, `const: "{{user_number}}"`), inside the signed body. The LLM
 * writes that body: the call id is only a key to look the call up by, and the number is compared
 * with the one call_inbound recorded, never believed (`verifiedCaller`).
 */
export const CALL_ARGUMENTS = { callId: 'call_id', callerPhone: 'anrufer_nummer' } as const;

/** Retell's call ids are `call_` + hex (older: 32 random characters); nothing else goes into a key. */
const CALL_ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;
/** a dialable number: digits with an optional leading + (what Retell's from_number/user_number hold) */
const PHONE_SHAPE = /^\+?[0-9]{3,20}$/;

/** The default mode's `call` object: `call_id`, and `from_number` when the caller rang us. */
export function defaultCallContext(call: Record<string, unknown>): CallContext {
  const inbound = call.call_type !== 'web_call' && call.direction === 'inbound';
  return {
    callId: callIdOf(call.call_id),
    callerPhone: inbound ? phoneOf(call.from_number) : null,
    dialled: inbound ? (phoneOf(call.to_number) ?? undefined) : undefined,
  };
}

/**
 * Args only: the call from the `call_id` argument. The caller's number is not taken from the
 * arguments (the LLM writes them and can be talked into another person's number): it is filled in
 * by `verifiedCaller` from what call_inbound recorded for the call.
 */
export function argsOnlyCallContext(callId: unknown): CallContext {
  return { callId: callIdOf(callId), callerPhone: null };
}

/** how an args-only request's caller was settled: counted, never logged with the number */
export type CallerCheck = 'verified' | 'mismatch' | 'no_record';

/**
 * The caller's number in args-only mode: the one call_inbound recorded for the call's id (Retell
 * asserted it in a signed body), never the `anrufer_nummer` argument. That argument is only
 * compared: a number other than the record's (or text that is no number) means the LLM was led to
 * write something else, and the call has no caller. Left out, or a `{{…}}` Retell did not replace,
 * it is ignored. No record (a web call, a call_inbound never answered by us, Redis down): no caller.
 */
export function verifiedCaller(
  recorded: string | undefined,
  claimed: unknown,
): { callerPhone: string | null; check: CallerCheck } {
  const recordedPhone = phoneOf(recorded);
  if (!recordedPhone) return { callerPhone: null, check: 'no_record' };
  const said = typeof claimed === 'string' ? claimed.trim() : claimed;
  const unsaid =
    said === undefined || said === null || said === '' || (typeof said === 'string' && UNREPLACED.test(said));
  if (!unsaid && phoneOf(said) !== recordedPhone) return { callerPhone: null, check: 'mismatch' };
  return { callerPhone: recordedPhone, check: 'verified' };
}

const UNREPLACED = /^\{\{[^}]*\}\}$/;

/** Retell's call id when it has the shape of one (letters, digits, _ and -); else undefined. */
export function callIdOf(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  return CALL_ID_SHAPE.test(text) ? text : undefined;
}

/** A phone number as Retell or the LLM writes it, without spaces and brackets; null when it is none. */
export function phoneOf(value: unknown): string | null {
  const text = typeof value === 'string' ? value.replace(/[\s()/-]/g, '') : '';
  return PHONE_SHAPE.test(text) ? text : null;
}
