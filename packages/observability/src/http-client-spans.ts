import type { Attributes } from '@opentelemetry/api';
import { context, propagation, SpanKind } from '@opentelemetry/api';
import { markFailed, withSpan } from './spans';
import { tracingEnabled } from './tracing';

export interface HttpClientRequest {
  method: string;
  /** the path's template (`/internal/availability`): the span's name, never a path with ids or a query */
  route: string;
  /** where the request goes: only its host and port are recorded, never the URL */
  url: URL | string;
}

/** What one request in a CLIENT span needs: the headers to send, and how it went. */
export interface HttpClientCall {
  /** `traceparent` (and `tracestate`) naming the CLIENT span; empty while tracing is off */
  readonly headers: Readonly<Record<string, string>>;
  /** the answer's status: recorded, and an error from 400 on (what a client span counts as failed) */
  answered(status: number): void;
  /** no usable answer: the span is an error with this stable code (`timeout`, `network`, …) */
  failed(type: string): void;
}

const UNTRACED: HttpClientCall = Object.freeze({
  headers: Object.freeze({}),
  answered: () => undefined,
  failed: () => undefined,
});

/**
 * One request to another service in a CLIENT span (a child of the active one), named by method
 * and route template, with the host, port and status; `exchange` sends `call.headers` with the
 * request, so the service asked continues the trace (`httpServerSpans`). While tracing is off,
 * `exchange` gets empty headers and nothing is recorded.
 */
export function withHttpClientSpan<T>(
  request: HttpClientRequest,
  exchange: (call: HttpClientCall) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return exchange(UNTRACED);
  const spec = { name: `${request.method} ${request.route}`, kind: SpanKind.CLIENT, attributes: attributesOf(request) };
  return withSpan(spec, (span) => {
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    return exchange({
      headers,
      answered(status) {
        span.setAttribute('http.response.status_code', status);
        if (status >= 400) markFailed(span, String(status));
      },
      failed: (type) => markFailed(span, type),
    });
  });
}

function attributesOf(request: HttpClientRequest): Attributes {
  // a URL that does not parse fails in fetch, inside the span; the span itself never throws
  const url = typeof request.url === 'string' ? URL.parse(request.url) : request.url;
  return {
    'http.request.method': request.method,
    'url.template': request.route,
    ...(url ? { 'server.address': url.hostname } : {}),
    ...(url?.port ? { 'server.port': Number(url.port) } : {}),
  };
}
