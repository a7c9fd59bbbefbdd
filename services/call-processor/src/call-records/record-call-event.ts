import type { BookingIntentEvent, CallLifecycleEvent, KnownRetellWebhookEvent } from '@rb/contracts';
import { isKnownRetellEventType, StoredKnownRetellWebhookEventSchema, TOPICS } from '@rb/contracts';
import type { MessageHandler, OutboxEvent, Sql } from '@rb/kafka-runner';
import { buildOutboxEvent, decodeEnvelope, decodeFramedValue, parseContract } from '@rb/kafka-runner';
import type { Directory } from '../tenant-directory/directory';
import { applyCallEvents } from './apply-call-events';
import { toCallEventFacts, transcriptOf } from './call-event-facts';

export type RetellMessage =
  | { kind: 'known'; eventId: string; traceparent: string | undefined; body: KnownRetellWebhookEvent }
  | { kind: 'not_for_us'; eventId: string };

export interface RecordCallEventDeps {
  directory: () => Directory;
  encode: (topic: string, event: CallLifecycleEvent | BookingIntentEvent) => Buffer;
  source: string;
  clock: () => Date;
  onUnrouted?: (reason: string) => void;
  /** where the events go; the contract topics unless a benchmark or test says otherwise */
  topics?: { lifecycle: string; intents: string };
}

/**
 * Retell events topic → the call record → lifecycle events and booking intents, as a runner
 * handler: decode (poison if the envelope or the contract is broken), then in the runner's
 * transaction record the events on their calls (`applyCallEvents`) and frame what they emit as
 * outbox rows.
 */
export function makeRecordCallEvent(deps: RecordCallEventDeps): MessageHandler<RetellMessage> {
  return {
    decode(message) {
      const envelope = decodeEnvelope(message);
      const json = decodeFramedValue(message);
      const event = (json as { event?: unknown } | null)?.event;
      if (typeof event !== 'string' || !isKnownRetellEventType(event)) {
        return { eventId: envelope.id, eventType: 'unknown', event: { kind: 'not_for_us', eventId: envelope.id } };
      }
      // what ingress stored: events from before its bounds stay processable (their outbox rows are
      // bounded by the relay, which sets aside what the broker refuses)
      const body = parseContract(StoredKnownRetellWebhookEventSchema, json, `Retell ${event}`);
      return {
        eventId: envelope.id,
        eventType: event,
        event: { kind: 'known', eventId: envelope.id, traceparent: envelope.traceparent, body },
      };
    },

    /** One event: the chunk path with a chunk of one, so both are one decision. */
    async apply(message, { sql }) {
      const [emitted] = await recordChunk([message], sql);
      return emitted!;
    },

    /** Several fetched events of a partition, in their order, in the same statements as one. */
    applyChunk(items, { sql }) {
      return recordChunk(
        items.map((item) => item.event),
        sql,
      );
    },
  };

  async function recordChunk(messages: readonly RetellMessage[], sql: Sql): Promise<OutboxEvent[][]> {
    const known = messages.filter((m) => m.kind === 'known');
    const emitted = await applyCallEvents(
      sql,
      known.map((m) => ({
        facts: toCallEventFacts(m.body, m.eventId),
        transcript: transcriptOf(m.body),
        retellCall: m.body.call,
      })),
      deps,
    );
    let next = 0;
    return messages.map((m) => {
      if (m.kind !== 'known') return [];
      const { lifecycle, intents } = emitted[next++]!;
      return [
        ...lifecycle.map((e) => outboxEvent(deps.topics?.lifecycle ?? TOPICS.callLifecycle, e, m, deps)),
        ...intents.map((e) => outboxEvent(deps.topics?.intents ?? TOPICS.bookingIntents, e, m, deps)),
      ];
    });
  }
}

/** An emitted event as an outbox row: key and subject the call id, caused by the Retell event in hand. */
function outboxEvent(
  topic: string,
  event: CallLifecycleEvent | BookingIntentEvent,
  cause: Extract<RetellMessage, { kind: 'known' }>,
  deps: RecordCallEventDeps,
): OutboxEvent {
  return buildOutboxEvent(
    { topic, key: event.callId },
    {
      id: `${event.callId}:${event.type}`,
      type: event.type,
      source: deps.source,
      time: deps.clock().toISOString(),
      subject: event.callId,
      correlationId: event.callId,
      cause: { id: cause.eventId, traceparent: cause.traceparent },
    },
    () => deps.encode(topic, event),
  );
}
