import { randomUUID } from 'node:crypto';
import { SpanKind, withSpan } from '@rb/observability';
import { CalcomError, classifyResponse } from './calcom-errors';
import { EgressRefusedError } from './calcom-egress';

export type Fetch = typeof fetch;

export interface CalcomAccount {
  /** https://api.cal.com, https://api.cal.eu or a self-hosted instance's root (paths start with /v2) */
  baseUrl: string;
  /** an API key (cal_live_…) or an OAuth access token; both go as a bearer token */
  token: string;
}

/** The most a Cal.com answer may hold: more is refused before it is read whole (a slots answer for three weeks is ~50 kB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface CalcomTransportOptions {
  /** answers larger than this fail as `server_error` (default MAX_RESPONSE_BYTES) */
  maxResponseBytes?: number;
}

export interface CalcomRequestOptions {
  /** the path's template (`/v2/bookings/{uid}`): what the call's span is named and labelled by, never the path itself */
  route: string;
  version: string;
  query?: Record<string, string>;
  repeated?: Record<string, readonly string[]>;
  body?: unknown;
  /** what the request says about a person: kept out of error messages (`classifyResponse`) */
  personal?: readonly (string | undefined)[];
  signal?: AbortSignal;
}

/**
 * One Cal.com call on the wire: the bearer token, the `cal-api-version`, an `X-Request-Id` of ours,
 * no redirect followed, the answer read only up to a size cap, and the `{ status, data }` envelope
 * unwrapped. Every failure is a `CalcomError`; no retries here. Each call is a CLIENT span named by
 * method and route template, with the host, our request id and the status (never the URL: its
 * query may carry an attendee's name or e-mail address).
 */
export class CalcomTransport {
  constructor(
    private readonly account: CalcomAccount,
    private readonly fetchImpl: Fetch = fetch,
    private readonly options: CalcomTransportOptions = {},
  ) {}

  /** The answer's `data`. */
  async request(method: 'GET' | 'POST', path: string, options: CalcomRequestOptions): Promise<unknown> {
    const url = this.urlFor(path, options);
    const what = `Cal.com ${method} ${url.pathname}`;
    const requestId = randomUUID();
    const attributes = {
      'http.request.method': method,
      'url.template': options.route,
      'server.address': url.hostname,
      'calcom.request_id': requestId,
    };
    return withSpan({ name: `${method} ${options.route}`, kind: SpanKind.CLIENT, attributes }, async (span) => {
      const response = await this.send(method, url, options, requestId, what);
      span.setAttribute('http.response.status_code', response.status);
      if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
        await response.body?.cancel().catch(() => undefined);
        throw new CalcomError('server_error', `${what}: answered a redirect, not followed`, {
          status: response.status,
          requestId,
        });
      }
      const text = await this.readBounded(response, what, requestId);
      return unwrap(response, text, what, requestId, options.personal);
    });
  }

  private urlFor(path: string, options: CalcomRequestOptions): URL {
    const url = new URL(path, this.account.baseUrl.endsWith('/') ? this.account.baseUrl : `${this.account.baseUrl}/`);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    for (const [k, values] of Object.entries(options.repeated ?? {}))
      for (const v of values) url.searchParams.append(k, v);
    return url;
  }

  private async send(
    method: 'GET' | 'POST',
    url: URL,
    options: CalcomRequestOptions,
    requestId: string,
    what: string,
  ): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
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
      if (refused) throw new CalcomError('forbidden', `${what}: ${refused.code}`, { requestId, cause: refused });
      const aborted = isAbort(error);
      // the URL and the error's text only: the request (and its Authorization header) is never quoted
      throw new CalcomError(
        aborted ? 'timeout' : 'network_error',
        `${what}: ${aborted ? 'no answer in time' : (error as Error).message}`,
        { requestId, cause: aborted ? undefined : error },
      );
    }
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
      const aborted = isAbort(error);
      throw new CalcomError(aborted ? 'timeout' : 'network_error', `${what}: the answer broke off`, {
        requestId,
        cause: aborted ? undefined : error,
      });
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** A failed status is classified (`classifyResponse`); a success is Cal.com's `{ status: 'success', data }`. */
function unwrap(
  response: Response,
  text: string,
  what: string,
  requestId: string,
  personal: readonly (string | undefined)[] | undefined,
): unknown {
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page, for example: classified by its status
  }
  if (!response.ok) throw classifyResponse(response.status, body, response.headers, requestId, personal);
  const envelope = body as { status?: unknown; data?: unknown } | undefined;
  if (!envelope || envelope.status !== 'success') {
    throw new CalcomError('server_error', `${what}: an answer without status "success"`, {
      status: response.status,
      requestId,
    });
  }
  return envelope.data;
}

const isAbort = (error: unknown) => (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';

/** the egress's refusal, however fetch wrapped it ("fetch failed" with the cause inside) */
function egressRefusal(error: unknown): EgressRefusedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    if (e instanceof EgressRefusedError) return e;
    e = e.cause;
  }
  return undefined;
}
