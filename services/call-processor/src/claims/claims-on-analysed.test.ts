import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallLifecycleEvent, KnownRetellWebhookEvent } from '@rb/contracts';
import { CallLifecycleEventSchema, StoredKnownRetellWebhookEventSchema } from '@rb/contracts';
import { toCallEventFacts } from '../call-records/call-event-facts';
import { emptyCall, evolve } from '../call-records/call-state';
import type { Routing } from '../call-records/decide-call-events';
import { decideCallEvents } from '../call-records/decide-call-events';

const attribution = {
  companyId: '00000000-0000-4000-8000-000000000001',
  branchId: '00000000-0000-4000-8000-000000000002',
  phoneNumberId: '00000000-0000-4000-8000-000000000003',
};
const routed: Routing = {
  kind: 'routed',
  route: {
    attribution,
    active: true,
    line: { numberKind: 'retell', numberType: null },
    timeZone: 'Europe/Berlin',
    services: [
      {
        id: '00000000-0000-4000-8000-00000000000a',
        slug: 'damenhaarschnitt',
        name: 'Damenhaarschnitt',
        synonyms: ['Haare schneiden'],
        calcomEventTypeId: 412,
        durationMinutes: 45,
      },
    ],
    defaultServiceId: '00000000-0000-4000-8000-00000000000a',
    staff: [],
    analysisFields: {},
  },
};

/** call.analysed.v1 as call-processor emits it for this fixture's call_analyzed, on a call routed or not. */
function analysedOf(name: string, routing: Routing, withCall = true) {
  const body = StoredKnownRetellWebhookEventSchema.parse(
    JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.call_analyzed.json`), 'utf8')),
  ) as KnownRetellWebhookEvent;
  const facts = toCallEventFacts(body, 'e1');
  const { lifecycle } = decideCallEvents({
    callId: facts.callId,
    before: undefined,
    after: evolve(emptyCall(facts.callId), facts),
    routing,
    attribution: routing.kind === 'routed' ? attribution : null,
    line: null,
    customerId: null,
    transcript: body.call.transcript ?? undefined,
    ...(withCall ? { retellCall: body.call } : {}),
  });
  const analysed = lifecycle.find(
    (e): e is Extract<CallLifecycleEvent, { type: 'call.analysed.v1' }> => e.type === 'call.analysed.v1',
  );
  return CallLifecycleEventSchema.parse(analysed) as typeof analysed;
}

describe("the agent's claims on call.analysed.v1", () => {
  it('when a routed call_analyzed holds a booking tool answer and a claiming sentence, then call.analysed.v1 carries both, read in the branch zone', () => {
    expect(analysedOf('de-booked-correct', routed)?.claims).toEqual([
      expect.objectContaining({ source: 'tool_result', bookingId: 'bk_7Q2M9XK4', language: 'de' }),
      expect.objectContaining({
        source: 'agent_sentence',
        start: { utc: '2026-10-15T09:00:00Z', precision: 'minute' },
      }),
    ]);
  });

  it('when the call claims nothing, then claims is an empty array (the field is there)', () => {
    expect(analysedOf('en-no-claims', routed)?.claims).toEqual([]);
  });

  it('when the call is unrouted (no branch, so no booking), or the event brings no call, then claims is empty', () => {
    const unrouted: Routing = { kind: 'unrouted', reason: 'unknown_number', businessNumber: '+4922112345670' };
    expect(analysedOf('de-booked-correct', unrouted)?.claims).toEqual([]);
    expect(analysedOf('de-booked-correct', routed, false)?.claims).toEqual([]);
  });
});
