import type { Attributes, Span } from '@opentelemetry/api';
import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracingEnabled } from './tracing';

export type { Span } from '@opentelemetry/api';
export { SpanKind, SpanStatusCode } from '@opentelemetry/api';

const TRACER = '@rb/observability';
/** what `withSpan` hands its work while tracing is off: records nothing */
const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export interface SpanSpec {
  name: string;
  kind?: SpanKind;
  /** ids, routes, codes: never personal data (phone numbers, names, transcripts) or URLs with keys */
  attributes?: Attributes;
}

/**
 * `work` inside a new span, a child of the active one and active itself while `work` runs. A
 * throw sets the span's status to error with the error's stable code (never its message, which
 * may quote what a person said) and is rethrown. Free while tracing is off.
 */
export async function withSpan<T>(spec: SpanSpec, work: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work(NO_SPAN);
  const span = trace.getTracer(TRACER).startSpan(spec.name, {
    kind: spec.kind ?? SpanKind.INTERNAL,
    ...(spec.attributes ? { attributes: spec.attributes } : {}),
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    markFailed(span, errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/** Error status with a stable code as its description and `error.type`. */
export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** An error's stable code (`code`, else its class name): what a span may say about it. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code) return code;
  return error instanceof Error ? error.constructor.name : 'unknown';
}

/**
 * Attributes on the active span (a request's, a message's) once the code knows them, e.g. the
 * call a verified request belongs to (`rb.call_id`). Ids and codes only, as for every attribute;
 * nothing while no recording span is active.
 */
export function tagActiveSpan(attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(attributes);
}

/** `trace_id` and `span_id` of the active span, for log lines; undefined when none is active. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const active = trace.getActiveSpan()?.spanContext();
  if (!active || !isSpanContextValid(active)) return undefined;
  return { trace_id: active.traceId, span_id: active.spanId };
}

/**
 * A SERVER span per request: a child of the request's `traceparent` when it has one, active
 * while the request is handled (also in the body's stream events), named and labelled after the
 * matched route template (never the URL, whose query may carry ids), its status code, and error
 * for 5xx or a connection closed before the answer. Nothing at all while tracing is off.
 * A route in a router names the router's mount too (`/internal` + `/availability`), when the
 * mount as matched is made of lowercase words only: a mount with a parameter is matched with its
 * value, which never goes into a span.
 *
 * `incoming: 'link'` is for a listener the public reaches (ingress's webhook and tool routes):
 * anyone can send a `traceparent` there, before any signature is checked, and a parent from
 * outside would let them choose our trace ids and our sampling (a sampled flag on every
 * request). There each request starts a trace of its own, linked to the incoming context.
 */
export function httpServerSpans(options: { incoming?: 'parent' | 'link' } = {}) {
  const asParent = (options.incoming ?? 'parent') === 'parent';
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!tracingEnabled()) return next();
    const extracted = propagation.extract(context.active(), req.headers);
    const parent = asParent ? extracted : trace.deleteSpan(context.active());
    const remote = trace.getSpanContext(extracted);
    const links = !asParent && remote && isSpanContextValid(remote) ? [{ context: remote }] : [];
    const span = trace
      .getTracer(TRACER)
      .startSpan(
        req.method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method }, links },
        parent,
      );
    const active = trace.setSpan(parent, span);
    // the body arrives in stream events, which otherwise run in the connection's context
    context.bind(active, req);
    res.once('close', () => {
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (!res.writableFinished) markFailed(span, 'connection_closed');
      else if (res.statusCode >= 500) markFailed(span, String(res.statusCode));
      span.end();
    });
    context.with(active, next);
  };
}

/** a mount as matched that is made of words only, e.g. `/internal`, `/admin`; never an id or a number */
const STATIC_MOUNT = /^(\/[a-z]+(-[a-z]+)*)*$/;

/** The matched route's template below its router's mount, or `unmatched`. */
function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return 'unmatched';
  return STATIC_MOUNT.test(req.baseUrl) ? `${req.baseUrl}${path}` : path;
}
