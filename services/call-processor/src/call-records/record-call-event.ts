import type { BookingIntentEvent, CallLifecycleEvent, KnownRetellWebhookEvent, TenantAttribution } from '@rb/contracts';
import { isKnownRetellEventType, StoredKnownRetellWebhookEventSchema, TOPICS } from '@rb/contracts';
import type { MessageHandler, OutboxEvent } from '@rb/kafka-runner';
import { buildOutboxEvent, decodeEnvelope, decodeFramedValue, parseContract } from '@rb/kafka-runner';
import type { Directory } from '../tenant-directory/directory';
import { toCallEventFacts, transcriptOf } from './call-event-facts';
import { appendAndLoad, appendAndLoadMany, saveCall, saveCalls, upsertCustomers } from './call-repository';
import type { CallState } from './call-state';
import { emptyCall, evolve, valuesOf } from './call-state';
import type { Routing } from './decide-call-events';
import { decideCallEvents, routeCall } from './decide-call-events';

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
 * transaction append the event, fold it into the call, route a new call through the in-memory
 * directory, and return what the change emits.
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

    async apply(message, { sql }) {
      if (message.kind === 'not_for_us') return [];
      const facts = toCallEventFacts(message.body, message.eventId);
      const stored = await appendAndLoad(sql, facts);
      const after = evolve(stored?.state ?? emptyCall(facts.callId), facts);
      const call = valuesOf(after);
      // a call keeps the business it was routed to with its first event, whatever the directory
      // says now (a number deactivated or moved during the call)
      const routing: Routing = stored
        ? routingOfStored(stored.attribution, deps.directory())
        : routeCall(call, (n) => deps.directory().route(n));
      const attribution = stored ? stored.attribution : routing.routed ? routing.route.attribution : null;
      if (!stored && !routing.routed) deps.onUnrouted?.(routing.reason);
      const customerId = await saveCall(sql, {
        state: after,
        attribution,
        customerPhone: (call.direction === 'outbound' ? call.toNumber : call.fromNumber) ?? null,
        isNew: !stored,
        transcript: transcriptOf(message.body),
        stage: facts.stage,
      });
      const emitted = decideCallEvents({
        callId: facts.callId,
        before: stored?.state,
        after,
        routing,
        attribution,
        customerId,
        transcript: transcriptOf(message.body),
      });
      return [
        ...emitted.lifecycle.map((e) => outboxEvent(deps.topics?.lifecycle ?? TOPICS.callLifecycle, e, message, deps)),
        ...emitted.intents.map((e) => outboxEvent(deps.topics?.intents ?? TOPICS.bookingIntents, e, message, deps)),
      ];
    },

    /**
     * The same as `apply` event after event, with three statements for the whole chunk: append
     * the events and read their calls, recognise new calls' customers, write each call once.
     */
    async applyChunk(items, { sql }) {
      const known = items.map(({ event }) =>
        event.kind === 'known' ? { message: event, facts: toCallEventFacts(event.body, event.eventId) } : undefined,
      );
      const present = known.filter((k) => k !== undefined);
      const stored = await appendAndLoadMany(
        sql,
        present.map((k) => k.facts),
      );

      // a call new to the database is routed with its first event, and its customer recognised
      const firsts = new Map<string, { routing: Routing; phone: string | null }>();
      for (const k of present) {
        if (stored.has(k.facts.callId) || firsts.has(k.facts.callId)) continue;
        const call = valuesOf(evolve(emptyCall(k.facts.callId), k.facts));
        const routing = routeCall(call, (n) => deps.directory().route(n));
        if (!routing.routed) deps.onUnrouted?.(routing.reason);
        firsts.set(k.facts.callId, {
          routing,
          phone: (call.direction === 'outbound' ? call.toNumber : call.fromNumber) ?? null,
        });
      }
      const customers = await upsertCustomers(
        sql,
        [...firsts.values()].flatMap(({ routing, phone }) =>
          routing.routed && phone ? [{ companyId: routing.route.attribution.companyId, phone }] : [],
        ),
      );

      interface Working {
        state: CallState | undefined;
        attribution: TenantAttribution | null;
        customerId: string | null;
        analysedTranscript: string | undefined;
        firstTranscript: string | undefined;
      }
      const working = new Map<string, Working>();
      const emittedPerItem = known.map((k) => {
        if (!k) return [];
        const { facts, message } = k;
        let w = working.get(facts.callId);
        if (!w) {
          const before = stored.get(facts.callId);
          const first = firsts.get(facts.callId);
          const attribution = before
            ? before.attribution
            : first?.routing.routed
              ? first.routing.route.attribution
              : null;
          w = {
            state: before?.state,
            attribution,
            customerId: before
              ? before.customerId
              : attribution && first?.phone
                ? (customers.get(`${attribution.companyId} ${first.phone}`) ?? null)
                : null,
            analysedTranscript: undefined,
            firstTranscript: undefined,
          };
          working.set(facts.callId, w);
        }
        const routing: Routing = w.state
          ? routingOfStored(w.attribution, deps.directory())
          : firsts.get(facts.callId)!.routing;
        const after = evolve(w.state ?? emptyCall(facts.callId), facts);
        const transcript = transcriptOf(message.body);
        const emitted = decideCallEvents({
          callId: facts.callId,
          before: w.state,
          after,
          routing,
          attribution: w.attribution,
          customerId: w.customerId,
          transcript,
        });
        w.state = after;
        if (transcript !== undefined) {
          if (facts.stage === 'analysed') w.analysedTranscript = transcript;
          w.firstTranscript ??= transcript;
        }
        return [
          ...emitted.lifecycle.map((e) =>
            outboxEvent(deps.topics?.lifecycle ?? TOPICS.callLifecycle, e, message, deps),
          ),
          ...emitted.intents.map((e) => outboxEvent(deps.topics?.intents ?? TOPICS.bookingIntents, e, message, deps)),
        ];
      });

      await saveCalls(
        sql,
        [...working.values()].map((w) => ({
          state: w.state!,
          attribution: w.attribution,
          customerId: w.customerId,
          analysedTranscript: w.analysedTranscript,
          firstTranscript: w.firstTranscript,
        })),
      );
      return emittedPerItem;
    },
  };
}

function routingOfStored(attribution: TenantAttribution | null, directory: Directory): Routing {
  const route = attribution ? directory.routeById(attribution.phoneNumberId) : undefined;
  if (!attribution || !route) return { routed: false, reason: 'unknown_number', businessNumber: null };
  return { routed: true, route: { ...route, attribution } };
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
