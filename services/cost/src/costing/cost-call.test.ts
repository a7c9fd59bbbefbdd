import { Exact, sum } from '../money/exact';
import { costCall } from './cost-call';
import type { CallCosting } from './cost-inputs';
import { COMPANY, RESELLER, RETAIL, company, context, facts, plan, rates, rows } from './cost-call.test-support';
import { fixtureCall } from './retell-fixtures.test-support';
import { toLedgerScale } from './ledger-scale';

const salon = fixtureCall('02-call_ended.salon-inbound.json');
const salonFacts = facts({ retellCost: salon.retellCost, confirmedBookings: 1 });
const costed = (result: CallCosting) => {
  if (result.kind !== 'costed') throw new Error(`not costed: ${JSON.stringify(result)}`);
  return result;
};

describe('costing a call', () => {
  it("when a reseller's company books on a call (fixture 02), then every line is exact at the ledger scale and the ledger balances", () => {
    const result = costed(costCall(salonFacts, context()));
    expect(rows(result.lines)).toEqual([
      ['call', '', '', '1', '1'],
      ['connected_seconds', '', '', '54', '54'],
      ['confirmed_bookings', '', '', '1', '1'],
      ['alternative_bookings', '', '', '0', '0'],
      ['base_cost', 'retell_platform', 'USD', '0.063', '0.058851'],
      ['base_cost', 'gpt_4_1_mini', 'USD', '0.0144', '0.01345166'],
      ['base_cost', 'retell_telephony', 'USD', '0.0135', '0.01261093'],
      ['wholesale', 'usage', 'EUR', '0.108', '0.108'],
      ['wholesale', 'booking_fees', 'EUR', '0.5', '0.5'],
      ['retail', 'usage', 'EUR', '0.15', '0.15'],
      ['retail', 'minimum', 'EUR', '0.05', '0.05'],
      ['retail', 'booking_fees', 'EUR', '1', '1'],
      ['platform_profit', '', 'EUR', '0.52308641', '0.52308641'],
      ['reseller_profit', '', 'EUR', '0.592', '0.592'],
    ]);
    expect(result.pins).toEqual({
      callDay: '2026-10-13',
      rateDate: '2026-10-13',
      usdPerEur: Exact.parse('1.0705'),
      wholesalePlanId: 'wholesale',
      retailPlanId: 'retail',
      twilioRateId: null,
      resellerId: RESELLER,
    });
  });

  it('when a company buys from the platform directly, then retail repeats the wholesale lines and there is no reseller profit', () => {
    const direct = plan('direct', { buyer: { kind: 'company', companyId: COMPANY } });
    const result = costed(
      costCall(salonFacts, context({ company: company(null), wholesalePlan: direct, retailPlan: RETAIL })),
    );
    const of = (kind: string) => rows(result.lines.filter((l) => l.kind === kind)).map((r) => r.slice(1));
    expect(of('retail')).toEqual(of('wholesale'));
    expect(of('reseller_profit')).toEqual([]);
    expect([result.pins.wholesalePlanId, result.pins.retailPlanId, result.pins.resellerId]).toEqual([
      'direct',
      'direct',
      null,
    ]);
  });

  it('when the call was not routed, then only its counts and base cost are kept, still at the USD rate of its day', () => {
    const unrouted = facts({ attribution: null, line: null, retellCost: salon.retellCost, confirmedBookings: 0 });
    const result = costed(costCall(unrouted, context({ company: null, wholesalePlan: null, retailPlan: null })));
    expect(result.lines.map((l) => l.kind)).toEqual([
      'call',
      'connected_seconds',
      'base_cost',
      'base_cost',
      'base_cost',
    ]);
    expect(result.pins).toMatchObject({
      rateDate: '2026-10-13',
      wholesalePlanId: null,
      retailPlanId: null,
      resellerId: null,
    });
    expect(costCall(unrouted, context({ ecbRates: rates({}) }))).toEqual({
      kind: 'pending',
      reason: 'rate',
      waitingFor: 'USD rate of 2026-10-13',
    });
  });

  it("when a plan is in another currency, then its lines keep that currency and their euro value is at that day's cross rate", () => {
    const ecbRates = rates({ USD: { '2026-10-13': '1.0705' }, CHF: { '2026-10-13': '0.9412' } });
    const chf = { company: company(RESELLER, 'CHF'), retailPlan: { ...RETAIL, currency: 'CHF' }, ecbRates };
    const retail = costed(costCall(salonFacts, context(chf))).lines.filter((l) => l.kind === 'retail');
    expect(rows(retail)[0]).toEqual([
      'retail',
      'usage',
      'CHF',
      '0.15',
      toLedgerScale(Exact.parse('0.15').dividedBy(Exact.parse('0.9412'))).toDecimalString(),
    ]);
  });

  it('when a call never connected (fixture 04), then no plan charges it and only what Retell reports is base cost', () => {
    const noAnswer = fixtureCall('04-call_ended.praxis-outbound-no-answer.json');
    const base = {
      startedAt: null,
      endedAt: noAnswer.endedAt,
      durationMs: noAnswer.durationMs,
      direction: 'outbound' as const,
    };
    const result = costed(costCall(facts({ ...base, retellCost: noAnswer.retellCost }), context()));
    expect(rows(result.lines).map((r) => r.slice(0, 4))).toEqual([
      ['call', '', '', '1'],
      ['connected_seconds', '', '', '0'],
      ['confirmed_bookings', '', '', '0'],
      ['alternative_bookings', '', '', '0'],
    ]);
    const charged = {
      combinedCostCents: 0.3,
      totalDurationSeconds: 0,
      productCosts: [{ product: 'retell_platform', costCents: 0.3 }],
    };
    const lines = costed(costCall(facts({ ...base, retellCost: charged }), context())).lines;
    expect(
      rows(lines.filter((l) => l.kind !== 'confirmed_bookings' && l.kind !== 'alternative_bookings')).map((r) =>
        r.slice(0, 4),
      ),
    ).toEqual([
      ['call', '', '', '1'],
      ['connected_seconds', '', '', '0'],
      ['base_cost', 'retell_platform', 'USD', '0.003'],
      [
        'platform_profit',
        '',
        'EUR',
        toLedgerScale(Exact.parse('-0.003').dividedBy(Exact.parse('1.0705'))).toDecimalString(),
      ],
    ]);
  });

  it('when a call had a transfer (fixture 07), then the transfer leg is its own base-cost line and the dollars add up to combined_cost', () => {
    const transfer = fixtureCall('07-call_analyzed.praxis-inbound-transfer.json');
    const call = facts({
      startedAt: transfer.startedAt,
      endedAt: transfer.endedAt,
      durationMs: transfer.durationMs,
      retellCost: transfer.retellCost,
    });
    const base = costed(costCall(call, context())).lines.filter((l) => l.kind === 'base_cost');
    expect(base.map((l) => l.component)).toEqual([
      'retell_platform',
      'gpt_4_1',
      'retell_telephony',
      'retell_telephony (transfer leg)',
    ]);
    expect(sum(base.map((l) => l.amount)).toDecimalString()).toBe('0.3537');
    expect(base.map((l) => l.amountEur.toDecimalString()).at(-1)).toBe(
      toLedgerScale(Exact.parse('0.0243').dividedBy(Exact.parse('1.0696'))).toDecimalString(),
    );
  });

  it('when an amount is put to the ledger scale, then halves go away from zero', () => {
    expect(toLedgerScale(Exact.parse('0.000000005')).toDecimalString()).toBe('0.00000001');
    expect(toLedgerScale(Exact.parse('-0.000000005')).toDecimalString()).toBe('-0.00000001');
    expect(toLedgerScale(Exact.parse('0.0000000049')).toDecimalString()).toBe('0');
  });
});
