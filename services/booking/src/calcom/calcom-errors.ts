import { redactPersonalData, safeErrorCode } from '@rb/kafka-runner';

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
  | 'overloaded';

const RETRYABLE: ReadonlySet<CalcomFailureKind> = new Set([
  'rate_limited',
  'server_error',
  'network_error',
  'timeout',
  'circuit_open',
  'overloaded',
]);
/** failures that say the tenant's account cannot work until someone fixes it (not the slot, not the moment) */
const PERMANENT_FOR_TENANT: ReadonlySet<CalcomFailureKind> = new Set(['unauthorized', 'forbidden']);

export class CalcomError extends Error {
  readonly kind: CalcomFailureKind;
  readonly status: number | undefined;
  /** Cal.com's error code (e.g. BadRequestException, ThrottlerException) when it sent one */
  readonly code: string | undefined;
  /** for rate_limited: seconds until the window resets, from X-RateLimit-Reset-* */
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    kind: CalcomFailureKind,
    message: string,
    details: { status?: number; code?: string; retryAfterSeconds?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'CalcomError';
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }

  /** worth trying again later with the same request (for writes: after reconciling) */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** the tenant's Cal.com account is unusable until fixed: fail its intents, do not block others */
  get permanentForTenant(): boolean {
    return PERMANENT_FOR_TENANT.has(this.kind);
  }

  /** the outcome of a write is unknown: it may have been applied, so look it up before retrying */
  get outcomeUnknown(): boolean {
    return (
      this.kind === 'server_error' ||
      this.kind === 'network_error' ||
      this.kind === 'timeout' ||
      this.kind === 'conflict'
    );
  }
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
  const code = safeErrorCode(typeof parsed.error?.code === 'string' ? parsed.error.code : undefined);
  const message =
    (typeof parsed.error?.message === 'string' && parsed.error.message) ||
    (typeof parsed.message === 'string' && parsed.message) ||
    (typeof body === 'string' && body.slice(0, 300)) ||
    `HTTP ${status}`;
  const detail = { status, code, requestId };
  const said = redactPersonalData(message, personal);
  const say = (kind: CalcomFailureKind, extra: Partial<typeof detail & { retryAfterSeconds: number }> = {}) =>
    new CalcomError(kind, `Cal.com ${status}${code ? ` ${code}` : ''}: ${said}`, { ...detail, ...extra });

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
