import type { EventEnvelope } from '@rb/contracts';
import { fromKafkaHeaders, readFramedJson, toKafkaHeaders } from '@rb/contracts';
import type { ConsumedMessage } from './consumed-message';
import { activeTraceparent, handedOnTraceparent } from './message-context';
import { PoisonMessageError } from './errors';
import type { OutboxEvent } from './inbox-outbox';

/**
 * The message edge, written once for every service: reading a contract message off Kafka
 * (CloudEvents headers, registry frame, zod) and framing an event to publish (headers, key, value).
 * Everything that fails here is poison: a message that cannot be read never becomes readable.
 */

/** The smallest part of a zod schema the edge needs (kept structural so the kit does not pin zod). */
export interface ContractSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface ContractMessage<T> {
  envelope: EventEnvelope;
  value: T;
}

/** The CloudEvents envelope from the headers; ENVELOPE_INVALID when it is missing or broken. */
export function decodeEnvelope(message: Pick<ConsumedMessage, 'headers'>): EventEnvelope {
  try {
    return fromKafkaHeaders(message.headers);
  } catch (error) {
    throw new PoisonMessageError('ENVELOPE_INVALID', (error as Error).message, { cause: error });
  }
}

/** The JSON inside the registry's wire frame; VALUE_UNREADABLE when there is none. */
export function decodeFramedValue(message: Pick<ConsumedMessage, 'value'>): unknown {
  try {
    return readFramedJson(message.value);
  } catch (error) {
    throw new PoisonMessageError('VALUE_UNREADABLE', `value is not registry-framed JSON: ${unreadable(error)}`, {
      cause: error,
    });
  }
}

/** Why a value could not be read, without quoting it: JSON.parse's message starts with the text it met. */
function unreadable(error: unknown): string {
  if ((error as Error).name !== 'SyntaxError') return (error as Error).message;
  const at = /at position \d+/.exec((error as Error).message)?.[0];
  return at ? `not valid JSON (${at})` : 'not valid JSON';
}

/**
 * CONTRACT_VIOLATION naming where (at most five paths) and the first reason; never the values,
 * which may be personal data.
 */
export function contractViolation(
  what: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): PoisonMessageError {
  const paths = issues
    .slice(0, 5)
    .map((i) => i.path.map(String).join('.') || '(root)')
    .join(', ');
  return new PoisonMessageError(
    'CONTRACT_VIOLATION',
    `${what} violates the contract at ${paths}: ${issues[0]?.message ?? 'invalid'}`,
  );
}

/** Validates an already read value against its contract (for handlers that look at it first). */
export function parseContract<T>(schema: ContractSchema<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw contractViolation(what, parsed.error.issues);
  return parsed.data;
}

/** Envelope, frame and contract in one: what a consumer's `decode` starts with. */
export function decodeContractMessage<T>(
  message: Pick<ConsumedMessage, 'headers' | 'value'>,
  schema: ContractSchema<T>,
  what: string,
): ContractMessage<T> {
  const envelope = decodeEnvelope(message);
  return { envelope, value: parseContract(schema, decodeFramedValue(message), what) };
}

/** What an outgoing event says about itself; the headers are built from it. */
export interface EventMeta {
  /** `ce_id`: stable for the change it describes, so a republished row is deduplicated downstream */
  id: string;
  type: string;
  source: string;
  /** ISO 8601 with offset */
  time: string;
  /** the aggregate id; never personal data */
  subject?: string;
  correlationId?: string;
  /**
   * the message this event follows from: its id becomes `causationid`; its trace context travels
   * on when no span of ours is there to carry it (tracing off)
   */
  cause?: { id: string; traceparent?: string | undefined };
  /** a trace started here (ingress); used only when neither a span nor a cause brings one */
  traceparent?: string;
}

/**
 * CloudEvents binary-mode headers (plus correlation, causation, trace context) for JSON values.
 * The `traceparent` names the span the event comes from: the CONSUMER span of its cause while
 * the runner handles that message, else the active span (a request's); with tracing off, the
 * cause's own traceparent, else `meta.traceparent`.
 */
export function eventHeaders(meta: EventMeta): Record<string, string> {
  return toKafkaHeaders({
    id: meta.id,
    type: meta.type,
    source: meta.source,
    time: meta.time,
    subject: meta.subject,
    contentType: 'application/json',
    correlationId: meta.correlationId,
    causationId: meta.cause?.id,
    traceparent:
      (meta.cause && handedOnTraceparent(meta.cause.id)) ??
      activeTraceparent() ??
      meta.cause?.traceparent ??
      meta.traceparent,
  });
}

/**
 * An outbox row: key, headers, and the value from `encode` (the registry's serializer). Our own
 * event breaking our own contract is a bug no retry can fix: OUTPUT_CONTRACT_VIOLATION, poison, so
 * the input goes to the dead-letter topic instead of blocking the partition.
 */
export function buildOutboxEvent(
  target: { topic: string; key: string },
  meta: EventMeta,
  encode: () => Buffer,
): OutboxEvent {
  let value: Buffer;
  try {
    value = encode();
  } catch (error) {
    throw new PoisonMessageError('OUTPUT_CONTRACT_VIOLATION', `${meta.type}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { topic: target.topic, key: target.key, value, headers: eventHeaders(meta) };
}
