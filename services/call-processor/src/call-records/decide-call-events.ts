import type {
  BookingClaim,
  BookingIntentEvent,
  CallEndedV1,
  CallLifecycleEvent,
  CallLine,
  CallUnroutedV1,
  TenantAttribution,
} from '@rb/contracts';
import { decideBookingIntent } from '../caller-wish/decide-booking-intent';
import type { ClaimsCall } from '../claims/read-booking-claims';
import { languageOfCall, readBookingClaims } from '../claims/read-booking-claims';
import type { NumberRoute } from '../tenant-directory/directory';
import type { CallFields, CallState } from './call-state';
import { hasStage, valueFromStage, valuesOf } from './call-state';

export type Routing =
  | { kind: 'routed'; route: NumberRoute }
  | { kind: 'unrouted'; reason: CallUnroutedV1['reason']; businessNumber: string | null };

/** The business side of a call: the dialled number inbound, the calling number outbound, none on the web. */
export function businessNumberOf(call: Partial<CallFields>): string | null {
  if (call.direction === 'web') return null;
  return (call.direction === 'outbound' ? call.fromNumber : call.toNumber) ?? null;
}

export function routeCall(call: Partial<CallFields>, route: (number: string) => NumberRoute | undefined): Routing {
  const businessNumber = businessNumberOf(call);
  if (!businessNumber) return { kind: 'unrouted', reason: 'no_business_number', businessNumber: null };
  const found = route(businessNumber);
  if (!found) return { kind: 'unrouted', reason: 'unknown_number', businessNumber };
  if (!found.active) return { kind: 'unrouted', reason: 'inactive_number', businessNumber };
  return { kind: 'routed', route: found };
}

export interface Transition {
  callId: string;
  before: CallState | undefined;
  after: CallState;
  routing: Routing;
  attribution: TenantAttribution | null;
  /** the number's kind and type as the call was routed; null when it was not */
  line: CallLine | null;
  customerId: string | null;
  /** the transcript of the event in hand (call_analyzed carries the full one) */
  transcript: string | undefined;
  /** the Retell call of the event in hand: call_analyzed's tool calls and agent turns hold the agent's booking claims */
  retellCall?: ClaimsCall;
}

export interface Emitted {
  lifecycle: CallLifecycleEvent[];
  intents: BookingIntentEvent[];
}

const over = (state: CallState | undefined) => !!state && (hasStage(state, 'ended') || hasStage(state, 'analysed'));

/**
 * The events a change of a call's state emits, each once: routed or unrouted with the call's first
 * event, ended when the call is first known to be over (whichever of call_ended and call_analyzed
 * came first), analysed (and the booking intent or callback) with the analysis, the cost
 * call_analyzed itself reported (Retell's latest figure) and what the agent claimed about bookings
 * (none on an unrouted call: no branch, no booking). Pure.
 */
export function decideCallEvents(t: Transition): Emitted {
  const call = valuesOf(t.after);
  const lifecycle: CallLifecycleEvent[] = [];
  const intents: BookingIntentEvent[] = [];
  if (!t.before) {
    lifecycle.push(
      t.routing.kind === 'routed'
        ? {
            type: 'call.routed.v1',
            callId: t.callId,
            attribution: t.routing.route.attribution,
            direction: call.direction ?? 'inbound',
            customerId: t.customerId,
            startedAt: call.startedAt ?? null,
            timeZone: t.routing.route.timeZone,
          }
        : {
            type: 'call.unrouted.v1',
            callId: t.callId,
            reason: t.routing.reason,
            businessNumber: t.routing.businessNumber,
          },
    );
  }
  if (!over(t.before) && over(t.after)) lifecycle.push(callEnded(t, call));
  if (!(t.before && hasStage(t.before, 'analysed')) && hasStage(t.after, 'analysed')) {
    let outcome: Extract<CallLifecycleEvent, { type: 'call.analysed.v1' }>['outcome'] = 'unrouted';
    let claims: BookingClaim[] = [];
    if (t.routing.kind === 'routed') {
      const { timeZone, services } = t.routing.route;
      if (t.retellCall) claims = readBookingClaims(t.retellCall, timeZone, languageOfCall(t.retellCall), services);
      const decision = decideBookingIntent({
        callId: t.callId,
        call: { ...call, transcript: t.transcript },
        route: t.routing.route,
        customerId: t.customerId,
      });
      outcome = decision.kind;
      if ('event' in decision) intents.push(decision.event);
    }
    lifecycle.push({
      type: 'call.analysed.v1',
      callId: t.callId,
      attribution: t.attribution,
      successful: call.analysis?.successful ?? null,
      sentiment: call.analysis?.sentiment ?? null,
      inVoicemail: call.analysis?.inVoicemail ?? null,
      outcome,
      retellCost: valueFromStage(t.after, 'retellCost', 'analysed') ?? null,
      claims,
    });
  }
  return { lifecycle, intents };
}

/**
 * What a call's event emits, with the customer saving the call recognised: the events are decided
 * before the call is saved (so the name an intent carries is saved with its customer in the same
 * statement), and a new call's customer is known only once it is saved. Pure.
 */
export function withCustomer({ lifecycle, intents }: Emitted, customerId: string | null): Emitted {
  return {
    lifecycle: lifecycle.map((e) => (e.type === 'call.routed.v1' ? { ...e, customerId } : e)),
    intents: intents.map((e) => ({ ...e, customer: { ...e.customer, id: customerId } })),
  };
}

/**
 * call.ended.v1: the call as far as it is known, with what costing it takes: its start (none for
 * a call that never connected), direction, line and Twilio SID, and Retell's whole cost.
 */
function callEnded(t: Transition, call: Partial<CallFields>): CallEndedV1 {
  return {
    type: 'call.ended.v1',
    callId: t.callId,
    attribution: t.attribution,
    startedAt: call.connected === false ? null : (call.startedAt ?? null),
    endedAt: call.endedAt ?? null,
    durationMs: call.durationMs ?? null,
    disconnectionReason: call.disconnectionReason ?? null,
    ...(call.direction && { direction: call.direction }),
    line: t.line,
    twilioCallSid: call.twilioCallSid ?? null,
    retellCost: call.retellCost ?? null,
  };
}
