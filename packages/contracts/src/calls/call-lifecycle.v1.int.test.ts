import { z } from 'zod';
import { testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { RegistrySerde } from '../serde';
import {
  CallAnalysedV1Schema,
  CallEndedV1Schema,
  CallLifecycleEventSchema,
  CallRoutedV1Schema,
  CallUnroutedV1Schema,
  RetellCallCostSchema,
} from './index';

/**
 * calls.lifecycle.v1 as it was registered before the costing fields (the start, direction, line
 * and Twilio SID on call.ended.v1, Retell's whole cost, call_analyzed's cost on call.analysed.v1):
 * the current contract without them generates exactly the JSON Schema committed then.
 */
const costBefore = RetellCallCostSchema.omit({ totalDurationUnitPriceCents: true }).extend({
  productCosts: z.array(z.strictObject({ product: z.string(), costCents: z.number() })),
});
const endedBefore = CallEndedV1Schema.omit({
  startedAt: true,
  direction: true,
  line: true,
  twilioCallSid: true,
}).extend({
  retellCost: costBefore.nullable(),
});
const analysedBefore = CallAnalysedV1Schema.omit({ retellCost: true });
const lifecycleBefore = z.discriminatedUnion('type', [
  CallRoutedV1Schema,
  CallUnroutedV1Schema,
  endedBefore,
  analysedBefore,
]);

const attribution = {
  companyId: '00000000-0000-4000-8000-000000000001',
  branchId: '00000000-0000-4000-8000-000000000002',
  phoneNumberId: '00000000-0000-4000-8000-000000000003',
};
const endedThen = {
  type: 'call.ended.v1',
  callId: 'call_1',
  attribution,
  endedAt: '2026-10-13T07:42:01.122Z',
  durationMs: 53710,
  disconnectionReason: 'agent_hangup',
  retellCost: { combinedCostCents: 9.09, totalDurationSeconds: 54, productCosts: [{ product: 'p', costCents: 9.09 }] },
};
const retellCost = {
  combinedCostCents: 35.37,
  totalDurationSeconds: 152,
  totalDurationUnitPriceCents: 0.2167,
  productCosts: [{ product: 'retell_telephony', costCents: 2.43, unitPriceCents: 0.025, transferLeg: true }],
};
const endedNow = {
  ...endedThen,
  startedAt: null,
  direction: 'outbound',
  line: { numberKind: 'twilio_imported', numberType: 'local' },
  twilioCallSid: 'CAe2c513d5631d0414ee9f13091c58036b',
  retellCost,
};
const analysedNow = {
  type: 'call.analysed.v1',
  callId: 'call_1',
  attribution,
  successful: true,
  sentiment: 'Positive',
  inVoicemail: false,
  outcome: 'handled_during_call',
  retellCost: { ...retellCost, combinedCostCents: 35.5 },
};

/** Integration: the real schema registry, whose subjects are BACKWARD compatible. */
describe('calls.lifecycle.v1 with the costing fields', () => {
  const serde = new RegistrySerde(testRegistryUrl());

  it('when the contract before the costing fields is registered first, then the current one is accepted as BACKWARD and events of both read', async () => {
    const topic = uniqueName('it.lifecycle-compat');
    const then = await serde.registerValueSchema(topic, lifecycleBefore);
    const now = await serde.registerValueSchema(topic, CallLifecycleEventSchema);
    expect(now).not.toBe(then);
    expect((await serde.decode(await serde.encode(then, endedThen))).value).toEqual(endedThen);
    expect(CallLifecycleEventSchema.parse(endedThen)).toEqual(endedThen);
    for (const event of [endedNow, analysedNow]) {
      expect((await serde.decode(await serde.encode(now, event))).value).toEqual(event);
      expect(CallLifecycleEventSchema.parse(event)).toEqual(event);
    }
    // what the old schema does not know, it does not take: the new fields need the new schema
    await expect(serde.encode(then, endedNow)).rejects.toThrow();
  });

  it('when a costing field were required instead, then the registry refuses it (the check above has teeth)', async () => {
    const topic = uniqueName('it.lifecycle-compat');
    await serde.registerValueSchema(topic, lifecycleBefore);
    const required = z.discriminatedUnion('type', [
      CallRoutedV1Schema,
      CallUnroutedV1Schema,
      endedBefore.extend({ twilioCallSid: z.string() }),
      analysedBefore,
    ]);
    await expect(serde.registerValueSchema(topic, required)).rejects.toThrow(/409|incompatible/i);
  });
});
