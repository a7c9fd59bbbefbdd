import type { BookingIntentEvent, CallLine, TenantAttribution } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { callerNumberOf } from '../caller-wish/wish-inputs';
import type { ClaimsCall } from '../claims/read-booking-claims';
import type { Directory } from '../tenant-directory/directory';
import type { CallToSave, StoredCall } from './call-repository';
import { appendAndLoad, saveCalls } from './call-repository';
import type { CallEventFacts, CallState } from './call-state';
import { emptyCall, evolve, valuesOf } from './call-state';
import type { Emitted, Routing } from './decide-call-events';
import { decideCallEvents, routeCall, withCustomer } from './decide-call-events';

/** A Retell event as the call record takes it: its facts, the transcript it carries and its call (for the agent's claims). */
export interface CallEvent {
  facts: CallEventFacts;
  transcript: string | undefined;
  retellCall?: ClaimsCall;
}

export interface ApplyCallEventsDeps {
  directory: () => Directory;
  onUnrouted?: (reason: string) => void;
}

/** A call while the events of one chunk are folded into it. */
interface OpenCall extends Omit<CallToSave, 'state'> {
  /** its state so far; undefined for a call new to the database until its first event */
  current: CallState | undefined;
  /** how a call new to the database was routed, with its first event */
  firstRouting: Routing | undefined;
  /** a stored call's customer as it was recognised, id and number (null without one; both null for a new call) */
  storedCustomer: { id: string | null; phone: string | null };
}

/**
 * Some events of one partition (one, or a fetched chunk) → their calls → what each event emits,
 * in two statements however many there are: append the events and read their calls, then write
 * each call once (recognising new calls' customers, and giving customers the names their calls'
 * intents brought). A call new to the database is routed with its first event and keeps that
 * business and line whatever the directory says later (a number deactivated, moved or re-imported
 * during the call). What the events emit is decided before the write, which gives new calls'
 * customers their ids. Returns each event's emitted events, in order.
 */
export async function applyCallEvents(
  sql: Sql,
  events: readonly CallEvent[],
  deps: ApplyCallEventsDeps,
): Promise<Emitted[]> {
  if (events.length === 0) return [];
  const stored = await appendAndLoad(
    sql,
    events.map((e) => e.facts),
  );
  const calls = new Map<string, OpenCall>();
  const steps = events.map(({ facts, transcript, retellCall }) => {
    let call = calls.get(facts.callId);
    if (!call) calls.set(facts.callId, (call = openCall(stored.get(facts.callId), facts, deps)));
    const before = call.current;
    const after = evolve(before ?? emptyCall(facts.callId), facts);
    call.current = after;
    if (transcript !== undefined) {
      if (facts.stage === 'analysed') call.analysedTranscript = transcript;
      call.firstTranscript ??= transcript;
    }
    return { facts, transcript, retellCall, before, after, call };
  });
  const decided = steps.map(({ facts, transcript, retellCall, before, after, call }, at) => {
    const emitted = decideCallEvents({
      callId: facts.callId,
      before,
      after,
      routing: before ? routingOfStored(call.attribution, deps.directory()) : call.firstRouting!,
      attribution: call.attribution,
      line: call.line,
      // a stored call's; a new call's is known once it is saved
      customerId: call.storedCustomer.id,
      transcript,
      retellCall,
    });
    rememberName(call, emitted.intents, at);
    return emitted;
  });
  const customers = await saveCalls(
    sql,
    [...calls.values()].map((call) => ({ ...call, state: call.current! })),
  );
  return steps.map(({ facts }, at) => withCustomer(decided[at]!, customers.get(facts.callId) ?? null));
}

/**
 * The name a call's booking intent carries, for its customer (the later of two in hand wins): a
 * new call's customer is recognised by its caller's number as it is saved, a stored call's by the
 * number it was recognised by; a call without a customer keeps no name.
 */
function rememberName(call: OpenCall, intents: readonly BookingIntentEvent[], at: number): void {
  for (const intent of intents) {
    if (intent.customer.name === null) continue;
    call.customerPhone ??= call.storedCustomer.phone;
    call.customerName = intent.customer.name;
    call.namedAt = at;
  }
}

/** A stored call as it is, or a new one routed by its first event (an unrouted one is counted). */
function openCall(stored: StoredCall | undefined, first: CallEventFacts, deps: ApplyCallEventsDeps): OpenCall {
  const base = { analysedTranscript: undefined, firstTranscript: undefined, customerName: null, namedAt: null };
  if (stored) {
    return {
      ...base,
      current: stored.state,
      attribution: stored.attribution,
      line: stored.line ?? lineNow(stored.attribution, deps.directory()),
      customerPhone: null,
      firstRouting: undefined,
      storedCustomer: { id: stored.customerId, phone: stored.customerPhone },
    };
  }
  const values = valuesOf(evolve(emptyCall(first.callId), first));
  const routing = routeCall(values, (n) => deps.directory().route(n));
  if (routing.kind === 'unrouted') deps.onUnrouted?.(routing.reason);
  return {
    ...base,
    current: undefined,
    attribution: routing.kind === 'routed' ? routing.route.attribution : null,
    line: routing.kind === 'routed' ? routing.route.line : null,
    customerPhone: callerNumberOf(values),
    firstRouting: routing,
    storedCustomer: { id: null, phone: null },
  };
}

/** A call routed before calls kept their line: its number's line as the directory knows it now. */
function lineNow(attribution: TenantAttribution | null, directory: Directory): CallLine | null {
  return (attribution && directory.routeById(attribution.phoneNumberId)?.line) ?? null;
}

/** A stored call's routing: its business as the directory knows it now, by the number's id. */
function routingOfStored(attribution: TenantAttribution | null, directory: Directory): Routing {
  const route = attribution ? directory.routeById(attribution.phoneNumberId) : undefined;
  if (!attribution || !route) return { kind: 'unrouted', reason: 'unknown_number', businessNumber: null };
  return { kind: 'routed', route: { ...route, attribution } };
}
