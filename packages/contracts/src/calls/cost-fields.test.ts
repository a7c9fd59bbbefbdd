import type { CallAnalysedV1, CallEndedV1 } from './index';
import { CallLifecycleEventSchema } from './index';

/** Examples of the lifecycle events cost reads, as call-processor writes them now and as it wrote them before. */
const attribution = {
  companyId: '00000000-0000-4000-8000-000000000001',
  branchId: '00000000-0000-4000-8000-000000000002',
  phoneNumberId: '00000000-0000-4000-8000-000000000003',
};
const retellCost = {
  combinedCostCents: 35.37,
  totalDurationSeconds: 152,
  totalDurationUnitPriceCents: 0.2167,
  productCosts: [
    { product: 'retell_platform', costCents: 17.74, unitPriceCents: 0.1167, transferLeg: false },
    { product: 'retell_telephony', costCents: 2.43, unitPriceCents: 0.025, transferLeg: true },
  ],
};
const ENDED_NOW: CallEndedV1 = {
  type: 'call.ended.v1',
  callId: 'call_cd4ee1790ab8cf314f667e967fa',
  attribution,
  startedAt: '2026-10-14T09:18:22.905Z',
  endedAt: '2026-10-14T09:20:54.775Z',
  durationMs: 151870,
  disconnectionReason: 'call_transfer',
  direction: 'inbound',
  line: { numberKind: 'twilio_imported', numberType: 'local' },
  twilioCallSid: 'CA0b7e4d29c6a15f83e2d0917c4b6a58f1',
  retellCost,
};
const NOT_CONNECTED_NOW: CallEndedV1 = {
  ...ENDED_NOW,
  startedAt: null,
  durationMs: 0,
  disconnectionReason: 'dial_no_answer',
  direction: 'outbound',
  line: null,
  twilioCallSid: null,
  retellCost: { combinedCostCents: 0, totalDurationSeconds: 0, totalDurationUnitPriceCents: 0, productCosts: [] },
};
const ANALYSED_NOW: CallAnalysedV1 = {
  type: 'call.analysed.v1',
  callId: 'call_cd4ee1790ab8cf314f667e967fa',
  attribution,
  successful: true,
  sentiment: 'Positive',
  inVoicemail: false,
  outcome: 'handled_during_call',
  retellCost: { ...retellCost, combinedCostCents: 35.5 },
};
const ENDED_BEFORE = {
  type: 'call.ended.v1',
  callId: 'call_f2850187afb6412ea6d31b4db39',
  attribution,
  endedAt: '2026-10-13T07:42:01.122Z',
  durationMs: 53710,
  disconnectionReason: 'agent_hangup',
  retellCost: {
    combinedCostCents: 9.09,
    totalDurationSeconds: 54,
    productCosts: [{ product: 'retell_platform', costCents: 6.3 }],
  },
};
const ANALYSED_BEFORE = {
  type: 'call.analysed.v1',
  callId: 'call_f2850187afb6412ea6d31b4db39',
  attribution,
  successful: true,
  sentiment: 'Positive',
  inVoicemail: false,
  outcome: 'booking_intent',
};

describe("calls.lifecycle.v1's costing fields", () => {
  it.each([
    ['call.ended.v1 with every costing field', ENDED_NOW],
    ['call.ended.v1 of a call that never connected', NOT_CONNECTED_NOW],
    ["call.analysed.v1 with call_analyzed's cost", ANALYSED_NOW],
    ['call.ended.v1 from before the fields', ENDED_BEFORE],
    ['call.analysed.v1 from before the field', ANALYSED_BEFORE],
  ])('when %s goes through JSON and the contract, then it comes back the same', (_, event) => {
    expect(CallLifecycleEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it.each([
    ['a Twilio SID of another shape', { ...ENDED_NOW, twilioCallSid: 'PN0b7e4d29c6a15f83e2d0917c4b6a58f1' }],
    ['a line kind we do not know', { ...ENDED_NOW, line: { numberKind: 'sip', numberType: null } }],
    ['a direction we do not know', { ...ENDED_NOW, direction: 'sideways' }],
    [
      'a negative unit price of the duration',
      { ...ENDED_NOW, retellCost: { ...retellCost, totalDurationUnitPriceCents: -1 } },
    ],
    [
      'an unknown field on a product',
      { ...ENDED_NOW, retellCost: { ...retellCost, productCosts: [{ product: 'x', costCents: 1, currency: 'USD' }] } },
    ],
    ['a start that is no time', { ...ENDED_NOW, startedAt: 'yesterday' }],
  ])('when call.ended.v1 has %s, then the contract refuses it', (_, event) => {
    expect(CallLifecycleEventSchema.safeParse(event).success).toBe(false);
  });
});
