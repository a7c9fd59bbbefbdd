import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CalcomError, classifyResponse } from './calcom-errors';
import { EgressRefusedError } from './calcom-egress';

/**
 * Cal.com API v2, the endpoints booking needs (../shared/calcom/NOTES.md): each with the
 * `cal-api-version` its controller answers to (a missing or unknown one silently reaches the
 * legacy handlers), times sent in UTC, an `X-Request-Id` of ours on every call. No retries here:
 * `CalcomGateway` decides what may be retried.
 */
export const CAL_API_VERSION = { bookings: '2024-08-13', slots: '2024-09-04' } as const;

export interface CalcomAccount {
  /** https://api.cal.com, https://api.cal.eu or a self-hosted instance's root (paths start with /v2) */
  baseUrl: string;
  /** an API key (cal_live_…) or an OAuth access token; both go as a bearer token */
  token: string;
}

export interface Attendee {
  name: string;
  /** IANA zone the attendee's notifications use */
  timeZone: string;
  /** E.164; Cal.com needs a phone number or an email */
  phoneNumber?: string;
  email?: string;
  language?: string;
}

export interface CreateBookingRequest {
  eventTypeId: number;
  /** UTC instant, e.g. 2026-10-16T12:30:00Z */
  startUtc: string;
  attendee: Attendee;
  /** our keys (idempotency key, tenant ids): at most 50 keys, values up to 500 characters */
  metadata: Record<string, string>;
  lengthInMinutes?: number;
  bookingFieldsResponses?: Record<string, unknown>;
}

const BookingSchema = z.looseObject({
  id: z.number(),
  uid: z.string(),
  status: z.string(),
  start: z.string(),
  end: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional().nullable(),
  rescheduledToUid: z.string().optional().nullable(),
  eventTypeId: z.number().optional().nullable(),
});
export type CalcomBooking = z.infer<typeof BookingSchema>;

const SlotsSchema = z.record(z.string(), z.array(z.looseObject({ start: z.string(), end: z.string().optional() })));

export interface SlotQuery {
  eventTypeId: number;
  /** UTC instants (or dates) bounding the search */
  startUtc: string;
  endUtc: string;
  /** the zone the answer's times are expressed in */
  timeZone: string;
  lengthInMinutes?: number;
}

export interface BookingListQuery {
  eventTypeId?: number;
  attendeeEmail?: string;
  attendeeName?: string;
  afterStart?: string;
  beforeEnd?: string;
  status?: ('upcoming' | 'recurring' | 'past' | 'cancelled' | 'unconfirmed')[];
  take?: number;
  skip?: number;
}

export type Fetch = typeof fetch;

/** The most a Cal.com answer may hold: more is refused before it is read whole (a slots answer for three weeks is ~50 kB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface CalcomClientOptions {
  /** answers larger than this fail as `server_error` (default MAX_RESPONSE_BYTES) */
  maxResponseBytes?: number;
}

export class CalcomClient {
  constructor(
    private readonly account: CalcomAccount,
    private readonly fetchImpl: Fetch = fetch,
    private readonly options: CalcomClientOptions = {},
  ) {}

  /** Free start times, as UTC instants, per day of the requested zone. */
  async slots(query: SlotQuery, signal?: AbortSignal): Promise<{ day: string; startsUtc: string[] }[]> {
    const data = await this.request('GET', '/v2/slots', {
      version: CAL_API_VERSION.slots,
      query: {
        eventTypeId: String(query.eventTypeId),
        start: query.startUtc,
        end: query.endUtc,
        timeZone: query.timeZone,
        ...(query.lengthInMinutes ? { duration: String(query.lengthInMinutes) } : {}),
      },
      signal,
    });
    const days = SlotsSchema.parse(data);
    return Object.entries(days)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, slots]) => ({ day, startsUtc: slots.map((s) => new Date(s.start).toISOString()) }));
  }

  async createBooking(request: CreateBookingRequest, signal?: AbortSignal): Promise<CalcomBooking> {
    const attendee = Object.fromEntries(Object.entries(request.attendee).filter(([, v]) => v !== undefined));
    const data = await this.request('POST', '/v2/bookings', {
      version: CAL_API_VERSION.bookings,
      body: {
        start: request.startUtc,
        eventTypeId: request.eventTypeId,
        attendee,
        metadata: request.metadata,
        ...(request.lengthInMinutes ? { lengthInMinutes: request.lengthInMinutes } : {}),
        ...(request.bookingFieldsResponses ? { bookingFieldsResponses: request.bookingFieldsResponses } : {}),
      },
      personal: [request.attendee.name, request.attendee.email, request.attendee.phoneNumber],
      signal,
    });
    return BookingSchema.parse(Array.isArray(data) ? data[0] : data);
  }

  async getBooking(uid: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.request('GET', `/v2/bookings/${encodeURIComponent(uid)}`, {
      version: CAL_API_VERSION.bookings,
      signal,
    });
    return BookingSchema.parse(Array.isArray(data) ? data[0] : data);
  }

  async listBookings(query: BookingListQuery, signal?: AbortSignal): Promise<CalcomBooking[]> {
    const q: Record<string, string> = {};
    if (query.eventTypeId !== undefined) q.eventTypeId = String(query.eventTypeId);
    if (query.attendeeEmail) q.attendeeEmail = query.attendeeEmail;
    if (query.attendeeName) q.attendeeName = query.attendeeName;
    if (query.afterStart) q.afterStart = query.afterStart;
    if (query.beforeEnd) q.beforeEnd = query.beforeEnd;
    // repeated (`status=upcoming&status=unconfirmed`): the spec's array form, which Prism checks
    // item by item; Cal.com also documents a comma-separated form
    if (query.take) q.take = String(query.take);
    if (query.skip) q.skip = String(query.skip);
    const data = await this.request('GET', '/v2/bookings', {
      version: CAL_API_VERSION.bookings,
      query: q,
      repeated: query.status?.length ? { status: query.status } : undefined,
      personal: [query.attendeeEmail, query.attendeeName],
      signal,
    });
    return z.array(BookingSchema).parse(data);
  }

  async cancelBooking(uid: string, reason: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.request('POST', `/v2/bookings/${encodeURIComponent(uid)}/cancel`, {
      version: CAL_API_VERSION.bookings,
      body: { cancellationReason: reason },
      signal,
    });
    return BookingSchema.parse(Array.isArray(data) ? data[0] : data);
  }

  /** Moves a booking: Cal.com creates a new one with a new uid and cancels the old one. */
  async rescheduleBooking(uid: string, startUtc: string, reason: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.request('POST', `/v2/bookings/${encodeURIComponent(uid)}/reschedule`, {
      version: CAL_API_VERSION.bookings,
      body: { start: startUtc, reschedulingReason: reason },
      signal,
    });
    return BookingSchema.parse(Array.isArray(data) ? data[0] : data);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    options: {
      version: string;
      query?: Record<string, string>;
      repeated?: Record<string, readonly string[]>;
      body?: unknown;
      /** what the request says about a person: kept out of error messages (`classifyResponse`) */
      personal?: readonly (string | undefined)[];
      signal?: AbortSignal;
    },
  ): Promise<unknown> {
    const url = new URL(path, this.account.baseUrl.endsWith('/') ? this.account.baseUrl : `${this.account.baseUrl}/`);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    for (const [k, values] of Object.entries(options.repeated ?? {}))
      for (const v of values) url.searchParams.append(k, v);
    const requestId = randomUUID();
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.account.token}`,
          'cal-api-version': options.version,
          'x-request-id': requestId,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        // a redirect could lead anywhere, the credential with it: it is an error, never followed
        redirect: 'manual',
      });
    } catch (error) {
      const refused = egressRefusal(error);
      // not an outage: this account's Cal.com address is not allowed (an allow-list or address
      // rule), so waiting or parking cannot help; the business must fix the account
      if (refused)
        throw new CalcomError('forbidden', `Cal.com ${method} ${url.pathname}: ${refused.code}`, {
          requestId,
          cause: refused,
        });
      const aborted = (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';
      // the URL and the error's text only: the request (and its Authorization header) is never quoted
      throw new CalcomError(
        aborted ? 'timeout' : 'network_error',
        `Cal.com ${method} ${url.pathname}: ${aborted ? 'no answer in time' : (error as Error).message}`,
        { requestId, cause: aborted ? undefined : error },
      );
    }
    if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
      await response.body?.cancel().catch(() => undefined);
      throw new CalcomError('server_error', `Cal.com ${method} ${url.pathname}: answered a redirect, not followed`, {
        status: response.status,
        requestId,
      });
    }
    const text = await this.readBounded(response, `Cal.com ${method} ${url.pathname}`, requestId);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // a proxy's HTML error page, for example: classified by its status
    }
    if (!response.ok) throw classifyResponse(response.status, body, response.headers, requestId, options.personal);
    const envelope = body as { status?: unknown; data?: unknown } | undefined;
    if (!envelope || envelope.status !== 'success') {
      throw new CalcomError('server_error', `Cal.com ${method} ${url.pathname}: an answer without status "success"`, {
        status: response.status,
        requestId,
      });
    }
    return envelope.data;
  }

  /** The answer's text, read only up to the size cap: past it the rest is not read and the call fails. */
  private async readBounded(response: Response, what: string, requestId: string): Promise<string> {
    const max = this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const tooLarge = () =>
      new CalcomError('server_error', `${what}: an answer larger than ${max} bytes`, {
        status: response.status,
        requestId,
      });
    if (Number(response.headers.get('content-length') ?? 0) > max) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > max) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof CalcomError) throw error;
      const aborted = (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';
      throw new CalcomError(aborted ? 'timeout' : 'network_error', `${what}: the answer broke off`, {
        requestId,
        cause: aborted ? undefined : error,
      });
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** the egress's refusal, however fetch wrapped it ("fetch failed" with the cause inside) */
function egressRefusal(error: unknown): EgressRefusedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    if (e instanceof EgressRefusedError) return e;
    e = e.cause;
  }
  return undefined;
}
