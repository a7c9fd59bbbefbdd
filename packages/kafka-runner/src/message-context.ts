import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';
import { context as otel, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { ConsumedMessage } from './consumed-message';

/**
 * What the runner has in hand while a handler runs, whether tracing is on or off: the message's
 * ids for log lines, and the trace context each consumed event hands on to the events it causes.
 */
export interface InHand {
  /** `ce_id`, `ce_type`, `correlation_id`, `causation_id` of the message; none for a chunk of several */
  logFields: Record<string, string> | undefined;
  /** per consumed event id (`ce_id`): the traceparent of its CONSUMER span, for what it emits */
  traceparents: ReadonlyMap<string, string>;
}

const inHand = new AsyncLocalStorage<InHand>();

/**
 * The ids of the message being handled (`ce_id`, `ce_type`, `correlation_id`, `causation_id`),
 * or undefined outside a handler: give it to the logger (`createLogger({ fields })`, runService's
 * `logFields`) and every line written while a message is handled carries them.
 */
export function messageLogFields(): Record<string, string> | undefined {
  return inHand.getStore()?.logFields;
}

/** The traceparent an event caused by `causeId` carries, when that event is being handled here. */
export function handedOnTraceparent(causeId: string): string | undefined {
  return inHand.getStore()?.traceparents.get(causeId);
}

export function withInHand<T>(state: InHand, work: () => T): T {
  return inHand.run(state, work);
}

/**
 * `work` outside whatever message or request is in hand: no active span, no message's ids. A
 * timer, and a promise chain, keep the context of the code that started them (AsyncLocalStorage),
 * so a background loop armed from inside a handler or a request (a re-drive woken when an intent
 * is parked, a sweep nudged after a commit) would otherwise go on in that message's context long
 * after it ended: its log lines would carry that message's ids, the events it emits that
 * message's (ended) span as their traceparent, its spans would be children of it.
 */
export function runDetached<T>(work: () => T): T {
  return inHand.exit(() => otel.with(ROOT_CONTEXT, work));
}

/**
 * `callback`, bound to run outside any message or request whenever it is called (`runDetached`):
 * a loop binds its timer callbacks and its kick once, so whoever arms or kicks it, it runs as itself.
 */
export function detached<A extends unknown[], R>(callback: (...args: A) => R): (...args: A) => R {
  return (...args) => runDetached(() => callback(...args));
}

/** A message's ids for log lines (headers only: ids, never the value). */
export function logFieldsOf(message: Pick<ConsumedMessage, 'headers'>): Record<string, string> {
  const { ce_id, ce_type, correlationid, causationid } = message.headers;
  return {
    ...(ce_id ? { ce_id } : {}),
    ...(ce_type ? { ce_type } : {}),
    ...(correlationid ? { correlation_id: correlationid } : {}),
    ...(causationid ? { causation_id: causationid } : {}),
  };
}

/** The W3C traceparent naming `span`, or undefined for the no-op span of tracing switched off. */
export function traceparentOf(span: Span | undefined): string | undefined {
  const ids = span?.spanContext();
  if (!ids || !isSpanContextValid(ids)) return undefined;
  return `00-${ids.traceId}-${ids.spanId}-${(ids.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The traceparent of the active span, if any. */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getActiveSpan());
}
