import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '@rb/observability';
import { httpMetricsMiddleware, httpServerSpans, rateLimitedWarn } from '@rb/observability';
import { WIRE_HEADER_BYTES } from '@rb/contracts';
import type { WebhookOutcome, WebhookRequest } from '../../webhooks/receive-webhook';
import type { BodyWithHeadroom } from './read-body';
import { readBodyWithHeadroom } from './read-body';
import type { IngressMetrics } from '../../ingress-metrics';
import type { InboundOutcome } from '../../inbound/answer-call-inbound';
import type { FunctionCallOutcome, FunctionCallRequest } from '../../functions/answer-function-call';
import { failedFunctionName, FUNCTION_ROUTE, functionCallRoute } from './function-call-route';

export interface AppDeps {
  receiveWebhook: (request: WebhookRequest) => Promise<WebhookOutcome>;
  answerCallInbound: (rawBody: Buffer, signature: string | undefined) => Promise<InboundOutcome>;
  answerFunctionCall: (request: FunctionCallRequest) => Promise<FunctionCallOutcome>;
  maxBodyBytes: number;
  registry: Registry;
  metrics: IngressMetrics;
  log: Logger;
}

export const WEBHOOK_ROUTE = '/webhooks/retell';
/** the phone number's inbound webhook (Retell's `inbound_webhook_url`) */
export const INBOUND_ROUTE = '/webhooks/retell/inbound';
/** a call_inbound body is a few hundred bytes; this leaves room for custom SIP headers */
const INBOUND_MAX_BYTES = 64 * 1024;

/**
 * Thin adapter: raw bytes in, one use case, outcome → HTTP status. No business decisions here.
 * This is the public listener: Retell's routes only (health and metrics are on the ops listener).
 */
export function makeApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // a SERVER span per request (with tracing on): the events a webhook stores and the commands a
  // tool sends carry it on, so one trace goes from Retell's request to booking's outcome
  // the public listener: a traceparent from outside is linked, never our parent (see httpServerSpans)
  app.use(httpServerSpans({ incoming: 'link' }));
  app.use(httpMetricsMiddleware(deps.registry));
  // every 503 makes Retell retry; its reason is logged once per reason and 10 s, not per webhook
  const warnUnavailable = rateLimitedWarn(deps.log);

  // the signature covers the raw bytes, so the body is never parsed before it is verified; it is
  // read behind room for the registry header, so it goes to Kafka without another copy
  const rawBody = readBodyWithHeadroom(deps.maxBodyBytes, WIRE_HEADER_BYTES);
  app.post(WEBHOOK_ROUTE, rawBody, async (req: Request, res: Response) => {
    const body = res.locals.body as BodyWithHeadroom;
    const outcome = await deps.receiveWebhook({
      rawBody: body.raw,
      withHeadroom: body.withHeadroom,
      signature: req.get('x-retell-signature'),
    });
    sendOutcome(res, outcome, warnUnavailable);
  });

  app.post(INBOUND_ROUTE, readBodyWithHeadroom(INBOUND_MAX_BYTES, 0), async (req: Request, res: Response) => {
    const started = performance.now();
    const outcome = await deps.answerCallInbound(
      (res.locals.body as BodyWithHeadroom).raw,
      req.get('x-retell-signature'),
    );
    sendInboundOutcome(res, outcome, deps.metrics);
    deps.metrics.callInboundDuration.observe((performance.now() - started) / 1000);
  });

  // custom functions during a live call: an answer the LLM can read, always 200 (but 401 and 413)
  const { answerFunctionCall, maxBodyBytes, metrics } = deps;
  app.post(
    FUNCTION_ROUTE,
    ...functionCallRoute({ answerFunctionCall, maxBodyBytes, metrics, warn: rateLimitedWarn(deps.log) }),
  );

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(makeErrorHandler(deps));
  return app;
}

function sendOutcome(
  res: Response,
  outcome: WebhookOutcome,
  warnUnavailable: ReturnType<typeof rateLimitedWarn>,
): void {
  switch (outcome.kind) {
    case 'stored':
      res.status(204).end();
      return;
    case 'duplicate':
      res.status(200).json({ status: 'duplicate' });
      return;
    case 'rejected':
      switch (outcome.reason) {
        case 'bad_signature':
          res.status(401).json({ error: 'bad_signature', detail: outcome.detail });
          return;
        case 'malformed_json':
          res.status(400).json({ error: 'malformed_json', detail: outcome.detail });
          return;
        case 'schema_violation':
          res.status(400).json({ error: 'schema_violation', issues: outcome.issues });
          return;
        case 'rate_limited':
          res.status(429).set('Retry-After', String(outcome.retryAfterSeconds)).json({ error: 'rate_limited' });
          return;
        case 'kafka_unavailable':
        case 'not_ready':
        case 'busy':
          warnUnavailable(
            outcome.reason,
            { reason: outcome.reason, retryAfterSeconds: outcome.retryAfterSeconds },
            'webhook answered 503; Retell retries it',
          );
          res.status(503).set('Retry-After', String(outcome.retryAfterSeconds)).json({ error: outcome.reason });
          return;
        default:
          return assertNever(outcome);
      }
    default:
      return assertNever(outcome);
  }
}

function sendInboundOutcome(res: Response, outcome: InboundOutcome, metrics: IngressMetrics): void {
  const count = (label: string, repeated = false) =>
    metrics.callInbound.inc({ outcome: label, repeated: String(repeated) });
  switch (outcome.kind) {
    case 'answered':
      count(outcome.routing, outcome.repeated);
      if (outcome.caller && !outcome.repeated)
        metrics.customerLookups.inc({
          outcome: outcome.caller.kind === 'no_answer' ? outcome.caller.why : outcome.caller.kind,
        });
      res.status(200).json(outcome.response);
      return;
    case 'not_ready':
      count('not_ready');
      res.status(503).set('Retry-After', '1').json({ error: 'directory_not_ready' });
      return;
    case 'rejected':
      count(outcome.reason);
      if (outcome.reason === 'schema_violation')
        res.status(400).json({ error: outcome.reason, issues: outcome.issues });
      else
        res
          .status(outcome.reason === 'bad_signature' ? 401 : 400)
          .json({ error: outcome.reason, detail: outcome.detail });
      return;
    default:
      return assertNever(outcome);
  }
}

interface HttpError extends Error {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * One place that decides what an error becomes. Body-parser errors are the client's (413 too
 * large, 400 unreadable); anything else is ours: logged with the stack, answered 503 so Retell
 * retries instead of the event being lost. A tool call's 503 is counted with the tool's answers
 * (`ingress_function_calls_total{outcome="internal_error"}`): the caller got nothing usable.
 */
function makeErrorHandler({ metrics, log }: AppDeps) {
  return (error: HttpError, req: Request, res: Response, _next: NextFunction): void => {
    if (error.type === 'entity.too.large') {
      metrics.rejections.inc({ reason: 'payload_too_large' });
      res.status(413).json({ error: 'payload_too_large', detail: `body larger than ${error.limit} bytes` });
      return;
    }
    if (error.status === 415) {
      metrics.rejections.inc({ reason: 'unsupported_encoding' });
      res.status(415).json({ error: 'unsupported_content_encoding', detail: error.message });
      return;
    }
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      metrics.rejections.inc({ reason: 'unreadable_body' });
      res.status(400).json({ error: 'unreadable_body', detail: error.type ?? error.message });
      return;
    }
    metrics.rejections.inc({ reason: 'internal_error' });
    log.error({ err: error, route: req.route?.path }, 'unexpected error while handling a request');
    if (res.headersSent) return;
    const tool = failedFunctionName(res);
    if (tool !== undefined) metrics.functionCalls.inc({ name: tool, outcome: 'internal_error' });
    res.status(503).set('Retry-After', '5').json({ error: 'temporarily_unavailable' });
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled outcome ${JSON.stringify(value)}`);
}
