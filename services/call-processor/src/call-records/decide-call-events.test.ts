import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallLifecycleEvent, KnownRetellWebhookEvent } from '@rb/contracts';
import { StoredKnownRetellWebhookEventSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { toCallEventFacts } from './call-event-facts';
import type { CallEventFacts } from './call-state';
import { emptyCall, evolve } from './call-state';
import type { Emitted, Transition } from './decide-call-events';
import { decideCallEvents, withCustomer } from './decide-call-events';

requireSharedDir();
const ENDED = '02-call_ended.salon-inbound.json';
const ANALYSED = '03-call_analyzed.salon-inbound.json';

/** A fixture's facts under its own event id, its call bent by `change`. */
function factsOf(file: string, eventId: string, change: (call: Record<string, unknown>) => void = () => undefined) {
  const body = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8')) as { call: Record<string, unknown> };
  change(body.call);
  return toCallEventFacts(StoredKnownRetellWebhookEventSchema.parse(body) as KnownRetellWebhookEvent, eventId);
}

/** What the last of these events emits after the ones before it, on an unrouted call with the given line. */
function lastEmits(events: CallEventFacts[], line: Transition['line'] = null): CallLifecycleEvent[] {
  const fold = (list: CallEventFacts[]) => list.reduce(evolve, emptyCall(events[0]!.callId));
  return decideCallEvents({
    callId: events[0]!.callId,
    before: events.length > 1 ? fold(events.slice(0, -1)) : undefined,
    after: fold(events),
    routing: { kind: 'unrouted', reason: 'unknown_number', businessNumber: null },
    attribution: null,
    line,
    customerId: null,
    transcript: undefined,
  }).lifecycle;
}
const ofType = <T extends CallLifecycleEvent['type']>(events: CallLifecycleEvent[], type: T) =>
  events.find((e): e is Extract<CallLifecycleEvent, { type: T }> => e.type === type);

describe('the lifecycle events a call emits, with what its cost takes', () => {
  it("when call_analyzed reports another cost than call_ended, then call.analysed.v1 carries call_analyzed's", () => {
    const ended = factsOf(ENDED, 'e1');
    const analysed = factsOf(
      ANALYSED,
      'e2',
      (call) => ((call.call_cost as { combined_cost: number }).combined_cost = 9.5),
    );
    expect(ofType(lastEmits([ended]), 'call.ended.v1')?.retellCost?.combinedCostCents).toBe(9.09);
    expect(ofType(lastEmits([ended, analysed]), 'call.analysed.v1')?.retellCost?.combinedCostCents).toBe(9.5);
  });

  it("when call_analyzed carries no cost, then call.analysed.v1's is null, not call_ended's", () => {
    const events = [factsOf(ENDED, 'e1'), factsOf(ANALYSED, 'e2', (call) => delete call.call_cost)];
    expect(ofType(lastEmits(events), 'call.analysed.v1')?.retellCost).toBeNull();
  });

  it('when call_analyzed comes first, then call.ended.v1 and call.analysed.v1 carry the same cost', () => {
    const emitted = lastEmits([factsOf(ANALYSED, 'e2')]);
    expect(ofType(emitted, 'call.ended.v1')?.retellCost).toEqual(ofType(emitted, 'call.analysed.v1')?.retellCost);
  });

  it('when the call never connected, then call.ended.v1 has no start; when it did, its start', () => {
    const ended = lastEmits([factsOf('04-call_ended.praxis-outbound-no-answer.json', 'e1')]);
    expect(ofType(ended, 'call.ended.v1')).toMatchObject({ startedAt: null, direction: 'outbound' });
    const connected = lastEmits([factsOf(ENDED, 'e1')]);
    expect(ofType(connected, 'call.ended.v1')?.startedAt).toBe('2026-10-13T07:41:07.412Z');
  });

  it('when the call has a line and a Twilio SID, then call.ended.v1 names them; without, null', () => {
    const line = { numberKind: 'twilio_imported', numberType: 'mobile' } as const;
    expect(ofType(lastEmits([factsOf(ENDED, 'e1')], line), 'call.ended.v1')).toMatchObject({
      line,
      twilioCallSid: 'CAbcdc9a4381c25bd572070f9814b4cfe2',
    });
    const bare = lastEmits([factsOf(ENDED, 'e1', (call) => delete call.telephony_identifier)]);
    expect(ofType(bare, 'call.ended.v1')).toMatchObject({ line: null, twilioCallSid: null });
  });
});

describe("a new call's customer, known once the call is saved", () => {
  it('when the customer is bound, then call.routed.v1 and the intent carry its id, and the other events are as they were', () => {
    const attribution = {
      companyId: '8d3e3f7e-0000-4000-8000-000000000001',
      branchId: '8d3e3f7e-0000-4000-8000-000000000002',
      phoneNumberId: '8d3e3f7e-0000-4000-8000-000000000003',
    };
    const decided: Emitted = {
      lifecycle: [
        {
          type: 'call.routed.v1',
          callId: 'call_1',
          attribution,
          direction: 'inbound',
          customerId: null,
          startedAt: null,
          timeZone: 'Europe/Berlin',
        },
        { type: 'call.unrouted.v1', callId: 'call_1', reason: 'unknown_number', businessNumber: null },
      ],
      intents: [
        {
          type: 'booking.callback-needed.v1',
          callId: 'call_1',
          attribution,
          reason: 'no_date',
          customer: { id: null, name: 'Sabine Krüger', phone: '+4917612345678' },
          summary: null,
        },
      ],
    };
    const customerId = '8d3e3f7e-0000-4000-8000-0000000000c1';
    const bound = withCustomer(decided, customerId);
    expect(bound.lifecycle).toEqual([{ ...decided.lifecycle[0], customerId }, decided.lifecycle[1]]);
    expect(bound.intents).toEqual([
      { ...decided.intents[0], customer: { id: customerId, name: 'Sabine Krüger', phone: '+4917612345678' } },
    ]);
    expect(decided.intents[0]!.customer.id).toBeNull();
  });
});
