import { redactPersonalData, safeErrorCode } from '@rb/kafka-runner';
import { BookingError } from '../booking-error';

/**
 * What a failed Cal.com call means for us, from its status and error envelope (../shared/calcom/
 * NOTES.md §4). Messages carry Cal.com's words and our request id, never a credential, and never
 * the person: Cal.com echoes attendees, and these messages travel into outcomes, dead-letter
 * headers and HTTP answers, so e-mail addresses, phone numbers and the attendee we sent are
 * replaced (`[email]`, `[phone]`, `[redacted]`).
 */
export type CalcomFailureKind =
  /** the slot is taken, the host busy, outside the booking window or in the past: offer alternatives */
  | 'slot_unavailable'
  /** our request is wrong (validation): a bug or bad data, never retried */
  | 'invalid_request'
  /** the credential is wrong or expired: the business must reconnect */
  | 'unauthorized'
  | 'forbidden'
  /** the event type or booking does not exist (any more) */
  | 'not_found'
  /** 409: our own concurrent duplicate or no seats left: reconcile before anything else */
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  /** our breaker for this account is open: pause and come back after `retryAfterSeconds` */
  | 'circuit_open'
  /** our bulkhead for this account is full */
  | 'overloaded'
  /**
   * the caller stopped waiting (a live question's deadline passed, or its asker went away): the
   * call was given up, Cal.com's own health is unknown, so it is neither unwell nor worth retrying
   */
  | 'cancelled';

/** `CALCOM_` and the kind in upper case: what code branches on, and what dead letters and logs name. */
export type CalcomErrorCode = `CALCOM_${Uppercase<CalcomFailureKind>}`;

const codeOf = (kind: CalcomFailureKind) => `CALCOM_${kind.toUpperCase()}` as CalcomErrorCode;

/**
 * What "Cal.com is down" means for booking, decided here and nowhere else. `UNWELL`: Cal.com itself
 * (or the way to it) failed; these count for the breaker, and a write's outcome is unknown.
 * `HELD_BACK`: our own guards hold calls back for a while (the open breaker, the spent rate limit,
 * the full bulkhead). Both are "unavailable": wait and ask again, never the intent's fault.
 */
const UNWELL: ReadonlySet<CalcomErrorCode> = new Set(['CALCOM_SERVER_ERROR', 'CALCOM_NETWORK_ERROR', 'CALCOM_TIMEOUT']);
const HELD_BACK: ReadonlySet<CalcomErrorCode> = new Set([
  'CALCOM_CIRCUIT_OPEN',
  'CALCOM_RATE_LIMITED',
  'CALCOM_OVERLOADED',
]);
/** failures that say the tenant's account cannot work until someone fixes it (not the slot, not the moment) */
const PERMANENT_FOR_TENANT: ReadonlySet<CalcomErrorCode> = new Set(['CALCOM_UNAUTHORIZED', 'CALCOM_FORBIDDEN']);

/** How long a partition waits after Cal.com failed (5xx, network, timeout) while its breaker is still closed. */
const UNWELL_PAUSE_MS = 2_000;

export class CalcomError extends BookingError<CalcomErrorCode> {
  /**
   * the failure's name where booking's answers carry it (parking reasons, `calcom_<kind>` in the
   * admin API, a refused credential's reason): the code in lower case, without `CALCOM_`
   */
  readonly kind: CalcomFailureKind;
  readonly status: number | undefined;
  /** Cal.com's own error code (e.g. BadRequestException, ThrottlerException) when it sent one */
  readonly calcomCode: string | undefined;
  /** for rate_limited: seconds until the window resets, from X-RateLimit-Reset-* */
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    kind: CalcomFailureKind,
    message: string,
    details: {
      status?: number;
      calcomCode?: string;
      retryAfterSeconds?: number;
      requestId?: string;
      cause?: unknown;
    } = {},
  ) {
    const code = codeOf(kind);
    // worth trying again later with the same request (for writes: after reconciling)
    super(code, message, { retryable: UNWELL.has(code) || HELD_BACK.has(code), cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.calcomCode = details.calcomCode;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }

  /** Cal.com itself (or the way to it) failed: 5xx, network, timeout; these count for the breaker */
  get unwell(): boolean {
    return UNWELL.has(this.code);
  }

  /** Cal.com cannot be reached: it failed, or the breaker says it keeps failing (not a limit of ours) */
  get unreachable(): boolean {
    return this.unwell || this.code === 'CALCOM_CIRCUIT_OPEN';
  }

  /** the tenant's Cal.com account is unusable until fixed: fail its intents, do not block others */
  get permanentForTenant(): boolean {
    return PERMANENT_FOR_TENANT.has(this.code);
  }

  /** the outcome of a write is unknown: it may have been applied, so look it up before retrying */
  get outcomeUnknown(): boolean {
    return this.unwell || this.code === 'CALCOM_CONFLICT';
  }
}

/**
 * Cal.com is unavailable for now (it failed, or our breaker, rate limit or bulkhead holds calls
 * back): how long to wait before asking again. Undefined for anything else (a refusal, a bug).
 */
export function calcomUnavailableForMs(error: unknown): number | undefined {
  if (!(error instanceof CalcomError)) return undefined;
  if (HELD_BACK.has(error.code)) return Math.max(1, error.retryAfterSeconds ?? 5) * 1000;
  if (UNWELL.has(error.code)) return UNWELL_PAUSE_MS;
  return undefined;
}

const SLOT_UNAVAILABLE =
  /already has booking|not available|can't be booked|cannot be booked|in the past|outside (of )?the booking window|maximum number of active bookings|minimum (booking )?notice|no more seats|already booked/i;

/** Cal.com's v2 error envelope, or the bare Nest body it sometimes sends instead. */
interface ErrorBody {
  status?: unknown;
  error?: { code?: unknown; message?: unknown; details?: unknown };
  message?: unknown;
  statusCode?: unknown;
}

/**
 * Classifies an HTTP answer that was not a success. `personal`: what the request said about a
 * person (the attendee's name, number, address), replaced wherever Cal.com's text repeats it.
 */
export function classifyResponse(
  status: number,
  body: unknown,
  headers: Headers,
  requestId?: string,
  personal: readonly (string | undefined)[] = [],
): CalcomError {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const calcomCode = safeErrorCode(typeof parsed.error?.code === 'string' ? parsed.error.code : undefined);
  const message =
    (typeof parsed.error?.message === 'string' && parsed.error.message) ||
    (typeof parsed.message === 'string' && parsed.message) ||
    (typeof body === 'string' && body.slice(0, 300)) ||
    `HTTP ${status}`;
  const detail = { status, calcomCode, requestId };
  const said = redactPersonalData(message, personal);
  const say = (kind: CalcomFailureKind, extra: Partial<typeof detail & { retryAfterSeconds: number }> = {}) =>
    new CalcomError(kind, `Cal.com ${status}${calcomCode ? ` ${calcomCode}` : ''}: ${said}`, { ...detail, ...extra });

  if (status === 429) return say('rate_limited', { retryAfterSeconds: rateLimitResetSeconds(headers) ?? 60 });
  if (status === 401 || status === 498) return say('unauthorized');
  if (status === 403) return say('forbidden');
  if (status === 404) return say('not_found');
  if (status === 409) return SLOT_UNAVAILABLE.test(message) ? say('slot_unavailable') : say('conflict');
  if (status === 400 || status === 422)
    return SLOT_UNAVAILABLE.test(message) ? say('slot_unavailable') : say('invalid_request');
  if (status >= 500) return say('server_error');
  return say('invalid_request');
}

/**
 * Seconds until the rate-limit window resets, from the `X-RateLimit-Reset-<Name>` headers (the
 * smallest when there are several). Cal.com sends seconds remaining; a value that looks like a
 * Unix time (seconds or milliseconds) is turned into seconds from now.
 */
export function rateLimitResetSeconds(headers: Headers, now: () => number = Date.now): number | undefined {
  const values: number[] = [];
  headers.forEach((value, name) => {
    if (/^x-ratelimit-reset/i.test(name)) values.push(Number(value));
  });
  const seconds = values
    .filter((v) => Number.isFinite(v) && v >= 0)
    .map((v) => (v > 1e12 ? (v - now()) / 1000 : v > 1e6 ? v - now() / 1000 : v));
  if (seconds.length === 0) return undefined;
  return Math.max(0, Math.ceil(Math.min(...seconds)));
}
