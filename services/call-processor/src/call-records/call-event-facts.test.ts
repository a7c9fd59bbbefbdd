import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownRetellWebhookEvent } from '@rb/contracts';
import { StoredKnownRetellWebhookEventSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { toCallEventFacts } from './call-event-facts';

requireSharedDir();
/** A fixture's call, bent by `change`, as the call record's facts (decoded as stored: what ingress kept is not re-checked). */
const factsOf = (file: string, change: (call: Record<string, unknown>) => void = () => undefined) => {
  const body = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8')) as { call: Record<string, unknown> };
  change(body.call);
  return toCallEventFacts(StoredKnownRetellWebhookEventSchema.parse(body) as KnownRetellWebhookEvent, 'e1').fields;
};

describe("what the call record keeps of a Retell event for the call's cost", () => {
  it('when call_analyzed has a transfer leg, then each product keeps its unit price and transfer-leg flag', () => {
    expect(factsOf('07-call_analyzed.praxis-inbound-transfer.json').retellCost).toEqual({
      combinedCostCents: 35.37,
      totalDurationSeconds: 152,
      totalDurationUnitPriceCents: 0.2167,
      productCosts: [
        { product: 'retell_platform', costCents: 17.74, unitPriceCents: 0.1167, transferLeg: false },
        { product: 'gpt_4_1', costCents: 11.4, unitPriceCents: 0.075, transferLeg: false },
        { product: 'retell_telephony', costCents: 3.8, unitPriceCents: 0.025, transferLeg: false },
        { product: 'retell_telephony', costCents: 2.43, unitPriceCents: 0.025, transferLeg: true },
      ],
    });
  });

  it('when Retell leaves out unit prices, then they are null, not made up', () => {
    const cost = factsOf('02-call_ended.salon-inbound.json', (call) => {
      const c = call.call_cost as { total_duration_unit_price?: number; product_costs: { unit_price?: number }[] };
      delete c.total_duration_unit_price;
      for (const p of c.product_costs) delete p.unit_price;
    }).retellCost;
    expect(cost?.totalDurationUnitPriceCents).toBeNull();
    expect(cost?.productCosts.map((p) => p.unitPriceCents)).toEqual([null, null, null]);
  });

  it('when the Twilio SID has its shape, then it is kept; otherwise it is not', () => {
    expect(factsOf('02-call_ended.salon-inbound.json').twilioCallSid).toBe('CAbcdc9a4381c25bd572070f9814b4cfe2');
    for (const sid of ['CA123', 'PNbcdc9a4381c25bd572070f9814b4cfe2', 'CAbcdc9a4381c25bd572070f9814b4cfe2x']) {
      const facts = factsOf(
        '02-call_ended.salon-inbound.json',
        (call) => (call.telephony_identifier = { twilio_call_sid: sid }),
      );
      expect(facts.twilioCallSid).toBeUndefined();
    }
    expect(
      factsOf('02-call_ended.salon-inbound.json', (call) => delete call.telephony_identifier).twilioCallSid,
    ).toBeUndefined();
  });

  it.each([
    ['ongoing', 0, true],
    ['ended', 53710, true],
    ['not_connected', 0, false],
    ['registered', 0, false],
    ['error', 1200, true],
    // an error after zero seconds never reached the caller: no minimum is charged for it
    ['error', 0, false],
    ['error', undefined, undefined],
    ['a_status_retell_adds_later', 0, false],
  ])('when the call status is %s with %s ms, then it connected: %s', (status, durationMs, connected) => {
    const facts = factsOf('02-call_ended.salon-inbound.json', (call) => {
      call.call_status = status;
      if (durationMs === undefined) delete call.duration_ms;
      else call.duration_ms = durationMs;
    });
    expect(facts.connected).toBe(connected);
  });

  it('when a dial was never answered, then it did not connect though Retell gives a start time', () => {
    const facts = factsOf('04-call_ended.praxis-outbound-no-answer.json');
    expect(facts).toMatchObject({ connected: false, startedAt: '2026-10-13T14:05:00.000Z', direction: 'outbound' });
  });
});
