import { frameInPlace, frameJson, newTraceparent, retellEventType } from '@rb/contracts';
import { eventHeaders } from '@rb/kafka-runner/produce';
import type { Logger } from '@rb/observability';
import { tagActiveSpan } from '@rb/observability';
import type { IngressMetrics } from '../ingress-metrics';
import type { FieldIssue } from './parse-webhook';
import { inspectWebhook } from './parse-webhook';
import type { EventDeduplicator, EventPublisher, RateLimiter } from './ports';
import { verifyRetellSignature } from './verify-signature';

export type RejectionReason =
  'bad_signature' | 'malformed_json' | 'schema_violation' | 'rate_limited' | 'kafka_unavailable' | 'not_ready' | 'busy';

export type WebhookOutcome =
  | { kind: 'stored'; eventId: string }
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'rejected'; reason: 'bad_signature'; detail: string }
  | { kind: 'rejected'; reason: 'malformed_json'; detail: string }
  | { kind: 'rejected'; reason: 'schema_violation'; issues: FieldIssue[] }
  | { kind: 'rejected'; reason: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'rejected'; reason: 'kafka_unavailable' | 'not_ready' | 'busy'; retryAfterSeconds: number };

export interface ReceiveWebhookDeps {
  apiKey: string;
  signatureToleranceMs: number;
  /** the longest a webhook waits for the broker before it is answered 503 */
  answerWithinMs: number;
  /** the registry id of the topic's value schema; undefined until it is registered */
  topicSchemaId: () => number | undefined;
  source: string;
  publisher: EventPublisher;
  dedup: EventDeduplicator;
  rateLimiter: RateLimiter;
  metrics: IngressMetrics;
  clock: () => number;
  log: Logger;
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** the same bytes behind WIRE_HEADER_BYTES of free room, when the reader kept it: framed in place */
  withHeadroom?: Buffer;
  signature: string | undefined;
}

/**
 * Signed Retell webhook → validated → stored on the Retell events topic keyed by call id, answered
 * only after the broker acknowledged. Redeliveries are acknowledged but not stored twice; a claim
 * whose produce failed is released so Retell's retry stores it.
 */
export function makeReceiveWebhook(deps: ReceiveWebhookDeps) {
  const { metrics, log } = deps;
  const reject = (outcome: Extract<WebhookOutcome, { kind: 'rejected' }>): WebhookOutcome => {
    metrics.rejections.inc({ reason: outcome.reason });
    return outcome;
  };

  return async function receiveWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
    const now = deps.clock();
    const signature = verifyRetellSignature(
      request.rawBody,
      request.signature,
      deps.apiKey,
      now,
      deps.signatureToleranceMs,
    );
    if (signature.kind === 'invalid')
      return reject({ kind: 'rejected', reason: 'bad_signature', detail: signature.reason });

    const inspected = inspectWebhook(request.rawBody);
    if (inspected.kind === 'malformed_json')
      return reject({ kind: 'rejected', reason: 'malformed_json', detail: inspected.message });
    if (inspected.kind === 'schema_violation')
      return reject({ kind: 'rejected', reason: 'schema_violation', issues: inspected.issues });

    const { event, known, callId, eventId, businessKey } = inspected.facts;
    // the request's span names its call, so an operator finds the call's traces (an opaque Retell id)
    tagActiveSpan({ 'rb.call_id': callId });
    const eventType = known ? event : metrics.unknownEventLabel(event);
    const schemaId = deps.topicSchemaId();
    if (schemaId === undefined) return reject({ kind: 'rejected', reason: 'not_ready', retryAfterSeconds: 5 });

    // both asked at once: with the Redis client's auto-pipelining that is one round trip, not two
    const claiming = deps.dedup.claim(eventId);
    // until the produce takes the claim over, every return or throw gives it back in `finally`:
    // a claim kept by mistake makes each redelivery of the event wait on it, in Redis and in memory
    let handedOver = false;
    try {
      const [rate, claim] = await Promise.all([deps.rateLimiter.take(businessKey), claiming]);
      if (rate.kind === 'limited')
        return reject({ kind: 'rejected', reason: 'rate_limited', retryAfterSeconds: rate.retryAfterSeconds });
      if (claim.kind === 'duplicate') {
        metrics.duplicates.inc({ event_type: eventType });
        return { kind: 'duplicate', eventId };
      }
      if (claim.kind === 'busy') return reject({ kind: 'rejected', reason: 'busy', retryAfterSeconds: 1 });

      // the trace starts here, always one of ours: with tracing on, the request's SERVER span
      // (which eventHeaders prefers), else a new trace id. A traceparent the request came with is
      // never taken: anyone can send one, unsigned, and would choose the trace ids and the sampling
      // of every service downstream that traces
      const headers = eventHeaders({
        id: eventId,
        type: retellEventType(event),
        source: deps.source,
        time: new Date(now).toISOString(),
        subject: callId,
        correlationId: callId,
        traceparent: newTraceparent(),
      });
      // the body's bytes go to Kafka unchanged; zod has validated them against the same contract
      // the registered JSON Schema is generated from
      const value = request.withHeadroom
        ? frameInPlace(schemaId, request.withHeadroom)
        : frameJson(schemaId, request.rawBody);
      const publishing = deps.publisher.publish({ key: callId, value, headers });
      handedOver = true;
      // The claim follows the produce's real outcome, even when the answer cannot wait for it: a
      // produce still in flight at the deadline may yet be stored, and Retell's retry must then be
      // a duplicate, not a second message; if it fails, the retry finds the claim released.
      const settled = publishing.then(
        () => {
          metrics.produced.inc({ event_type: eventType });
          if (!known) metrics.unknownEvents.inc({ event_type: eventType });
          return deps.dedup.confirm(eventId, claim.token).then(() => true);
        },
        (error: unknown) => {
          // the 503 it leads to is logged (rate-limited) where it is answered; the produce failure by the publisher
          log.debug({ eventId, err: (error as Error).message }, 'webhook not stored: broker did not acknowledge');
          return deps.dedup.release(eventId, claim.token).then(() => false);
        },
      );
      const stored = await withinDeadline(settled, deps.answerWithinMs);
      if (stored !== true) return reject({ kind: 'rejected', reason: 'kafka_unavailable', retryAfterSeconds: 5 });
      return { kind: 'stored', eventId };
    } finally {
      if (!handedOver) {
        const held = await claiming.catch(() => undefined);
        if (held?.kind === 'claimed') await deps.dedup.release(eventId, held.token);
      }
    }
  };
}

/** The promise's value, or undefined once ms have passed; the timer is cleared as soon as it settles. */
function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
