import type { CallEndedV1, CallLine, EventEnvelope, RetellCallCost, TenantAttribution } from '@rb/contracts';
import { BookingIntentEventSchema, BookingOutcomeV1Schema, CallLifecycleEventSchema } from '@rb/contracts';
import type { ConsumedMessage } from '@rb/kafka-runner';
import { decodeContractMessage, PoisonMessageError } from '@rb/kafka-runner';

/** What one event tells cost about a call; every change is idempotent and order-free. */
export type CallFactChange =
  | {
      kind: 'ended';
      attribution: TenantAttribution | null;
      startedAt: string | null;
      endedAt: string | null;
      durationMs: number | null;
      direction: CallEndedV1['direction'] | null;
      line: CallLine | null;
      twilioCallSid: string | null;
      retellCost: RetellCallCost | null;
    }
  | { kind: 'analysed'; attribution: TenantAttribution | null; retellCost: RetellCallCost | null }
  | { kind: 'intent'; serviceId: string; staffId: string | null }
  | { kind: 'booking_confirmed'; uid: string; alternative: boolean }
  | { kind: 'booking_undone'; uid: string }
  | { kind: 'booking_moved'; fromUid: string; uid: string }
  /** an event cost has nothing to learn from (routed, unrouted, callbacks, offers, failures) */
  | { kind: 'none' };

export interface CallFactEvent {
  callId: string;
  change: CallFactChange;
  envelope: EventEnvelope;
}

/** The topics cost reads call facts from, by role (tests and benchmarks use their own names). */
export interface CallTopics {
  lifecycle: string;
  intents: string;
  outcomes: string;
}

/** A consumed message → the call it is about and what it changes; PoisonMessageError when unreadable. */
export function decodeCallFact(
  message: ConsumedMessage,
  topics: CallTopics,
): { eventType: string; event: CallFactEvent } {
  if (message.topic === topics.lifecycle) {
    const { envelope, value } = decodeContractMessage(message, CallLifecycleEventSchema, 'call lifecycle event');
    return { eventType: value.type, event: { callId: value.callId, change: lifecycleChange(value), envelope } };
  }
  if (message.topic === topics.intents) {
    const { envelope, value } = decodeContractMessage(message, BookingIntentEventSchema, 'booking intent event');
    const change: CallFactChange =
      value.type === 'booking.intent-requested.v1'
        ? { kind: 'intent', serviceId: value.service.id, staffId: value.staffPreference?.id ?? null }
        : { kind: 'none' };
    return { eventType: value.type, event: { callId: value.callId, change, envelope } };
  }
  if (message.topic === topics.outcomes) {
    const { envelope, value } = decodeContractMessage(message, BookingOutcomeV1Schema, 'booking outcome');
    return { eventType: value.type, event: { callId: value.callId, change: outcomeChange(value), envelope } };
  }
  throw new PoisonMessageError('UNEXPECTED_TOPIC', `cost does not read ${message.topic}`);
}

type Lifecycle = ReturnType<typeof CallLifecycleEventSchema.parse>;
type Outcome = ReturnType<typeof BookingOutcomeV1Schema.parse>;

function lifecycleChange(event: Lifecycle): CallFactChange {
  switch (event.type) {
    case 'call.ended.v1':
      return {
        kind: 'ended',
        attribution: event.attribution,
        startedAt: event.startedAt !== undefined ? event.startedAt : startFromDuration(event),
        endedAt: event.endedAt,
        durationMs: event.durationMs,
        direction: event.direction ?? null,
        line: event.line ?? null,
        twilioCallSid: event.twilioCallSid ?? null,
        retellCost: event.retellCost,
      };
    case 'call.analysed.v1':
      return { kind: 'analysed', attribution: event.attribution, retellCost: event.retellCost ?? null };
    case 'call.routed.v1':
    case 'call.unrouted.v1':
      return { kind: 'none' };
  }
}

/** Events from before `startedAt` existed: the start is the end minus the duration, when there was one. */
function startFromDuration(event: CallEndedV1): string | null {
  if (!event.endedAt || !event.durationMs) return null;
  return new Date(Date.parse(event.endedAt) - event.durationMs).toISOString();
}

function outcomeChange(event: Outcome): CallFactChange {
  switch (event.type) {
    case 'booking.confirmed.v1':
      return { kind: 'booking_confirmed', uid: event.booking.uid, alternative: event.alternative };
    case 'booking.cancelled.v1':
      // a compensation undid a booking we made by mistake; a caller's later cancellation still was a booking
      return event.cause === 'compensation' ? { kind: 'booking_undone', uid: event.uid } : { kind: 'none' };
    case 'booking.rescheduled.v1':
      return { kind: 'booking_moved', fromUid: event.fromUid, uid: event.booking.uid };
    case 'booking.alternatives-offered.v1':
    case 'booking.failed.v1':
    case 'booking.claim-mismatch.v1': // the truth check's finding says nothing about what a call cost
      return { kind: 'none' };
  }
}
