import type { Context, Link, Span } from '@opentelemetry/api';
import { context as otel, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { errorType, markFailed } from '@rb/observability';
import type { ConsumedMessage } from './consumed-message';
import type { InHand } from './message-context';
import { logFieldsOf, traceparentOf, withInHand } from './message-context';
import type { Outcome, ReportOutcome } from './outcome-report';

/**
 * Spans of the kit, through `@opentelemetry/api` only: without a registered provider each is the
 * API's no-op. A consumed message gets a CONSUMER span, a child of its `traceparent`; the events
 * it causes carry that span on (`message-edge`). Attributes are ids and codes, never values.
 */
export const TRACER = '@rb/kafka-runner';

/**
 * what ends a message's handling with its work not done: an error span. A pause is not among
 * them: waiting for a dependency (Cal.com away, an intent in flight elsewhere, a booking still
 * being made) is ordinary, and the message is read again when the partition resumes.
 */
const GIVEN_UP = new Set<Outcome>(['dead_lettered', 'compensation_failed']);
const NO_TRACEPARENTS: ReadonlyMap<string, string> = new Map();

/** One consumed message: its span, the context it is active in, and what the runner has in hand. */
export interface MessageSpan {
  span: Span;
  active: Context;
  inHand: InHand;
}

/** The CONSUMER span of a message (started, not yet active): a child of the message's traceparent. */
export function startMessageSpan(message: ConsumedMessage, groupId: string): MessageSpan {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  const span = trace.getTracer(TRACER).startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER }, parent);
  const ceId = message.headers.ce_id;
  if (span.isRecording())
    span.setAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': message.topic,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': Number(message.offset),
      'messaging.consumer.group.name': groupId,
      ...(ceId ? { 'messaging.message.id': ceId } : {}),
      ...(message.headers.correlationid ? { 'messaging.message.conversation_id': message.headers.correlationid } : {}),
    });
  const handedOn = traceparentOf(span);
  return {
    span,
    active: trace.setSpan(parent, span),
    inHand: {
      logFields: logFieldsOf(message),
      traceparents: handedOn && ceId ? new Map([[ceId, handedOn]]) : NO_TRACEPARENTS,
    },
  };
}

/** `work` with the message's span active and its ids in hand (log lines, emitted events). */
export function inMessage<T>(at: MessageSpan, work: () => T): T {
  return otel.with(at.active, () => withInHand(at.inHand, work));
}

/** One message from first delivery to its outcome, in its span; the span ends with it. */
export function handleInSpan(
  message: ConsumedMessage,
  groupId: string,
  work: (report: (report: ReportOutcome) => ReportOutcome) => Promise<void>,
): Promise<void> {
  return inOwnSpan(message, groupId, (span) => work((report) => reportingInto(span, report)));
}

/** How a message handled outside the runner ended, for its span. */
export interface SpanOutcome {
  /** `rb.outcome` */
  outcome: string;
  /** its stable code, as `error.type` */
  code?: string | undefined;
  /** given up (dead-lettered): an error span; any other outcome is not one */
  failed?: boolean;
}

/**
 * A consumed message handled outside the runner (booking's re-drive of a parked intent): `work`
 * in a CONSUMER span of its own, a child of the message's traceparent, with the message's ids on
 * the log lines and handed on to the events it emits, as the runner handles one; `tell` records
 * how it ended. A throw makes the span an error with the error's code.
 */
export function inConsumerSpan<T>(
  message: ConsumedMessage,
  groupId: string,
  work: (tell: (ended: SpanOutcome) => void) => Promise<T>,
): Promise<T> {
  return inOwnSpan(message, groupId, (span) =>
    work(({ outcome, code, failed = false }) => {
      if (!span.isRecording()) return;
      span.setAttribute('rb.outcome', outcome);
      if (failed) markFailed(span, code ?? outcome);
      else if (code) span.setAttribute('error.type', code);
    }),
  );
}

async function inOwnSpan<T>(message: ConsumedMessage, groupId: string, work: (span: Span) => Promise<T>): Promise<T> {
  const at = startMessageSpan(message, groupId);
  try {
    return await inMessage(at, () => work(at.span));
  } catch (error) {
    markFailed(at.span, errorType(error));
    throw error;
  } finally {
    at.span.end();
  }
}

/**
 * The outcome reporter, also telling the span: retries as events, the outcome, error for giving
 * up; a pause names what it waits for (`error.type`, its code) without being an error.
 */
export function reportingInto(span: Span, report: ReportOutcome): ReportOutcome {
  if (!span.isRecording()) return report;
  return (message, eventType, outcome, started, error) => {
    span.setAttribute('cloudevents.event_type', eventType);
    if (outcome === 'retried') span.addEvent('retry', { 'error.type': error?.code ?? 'unknown' });
    else span.setAttribute('rb.outcome', outcome);
    if (GIVEN_UP.has(outcome)) markFailed(span, error?.code ?? outcome);
    else if (outcome === 'paused') span.setAttribute('error.type', error?.code ?? 'paused');
    report(message, eventType, outcome, started, error);
  };
}

/**
 * The relay's send of a batch of outbox rows: a PRODUCER span linked to the span each row came
 * from (the rows belong to many traces), active while the batch is sent and marked published.
 */
export async function inPublishSpan<T>(
  rows: readonly { topic: string; headers: Record<string, string> }[],
  work: () => Promise<T>,
): Promise<T> {
  const span = trace.getTracer(TRACER).startSpan('send', { kind: SpanKind.PRODUCER });
  if (!span.isRecording()) return work();
  const links: Link[] = [];
  for (const row of rows.slice(0, 128)) {
    const from = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, row.headers));
    if (from) links.push({ context: from });
  }
  span.addLinks(links).setAttributes({
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.batch.message_count': rows.length,
    'messaging.destination.name': [...new Set(rows.map((r) => r.topic))].sort().join(','),
  });
  try {
    return await otel.with(trace.setSpan(otel.active(), span), work);
  } catch (error) {
    markFailed(span, errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/**
 * A chunk of one partition's messages in one transaction: each message its own span (prepare,
 * apply and report run in it); the transaction runs in the first one's, with every message's
 * trace context in hand, so each emitted event still carries the span of the message it follows.
 */
export function chunkSpans(chunk: readonly ConsumedMessage[], groupId: string) {
  const each = chunk.map((message) => startMessageSpan(message, groupId));
  const traceparents = new Map(each.flatMap((at) => [...at.inHand.traceparents]));
  return {
    each,
    inChunk: <T>(work: () => T): T =>
      otel.with(each[0]!.active, () => withInHand({ logFields: undefined, traceparents }, work)),
    /** rolled back: the messages go on one at a time, each in a span of its own again */
    end(committed: boolean): void {
      for (const { span } of each) {
        if (!committed && span.isRecording()) span.setAttribute('rb.outcome', 'chunk_rolled_back');
        span.end();
      }
    },
  };
}
