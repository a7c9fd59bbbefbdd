import fc from 'fast-check';
import type { RetellCallCost } from '@rb/contracts';
import { Exact, formatUnits, sum } from '../money/exact';
import type { BillingUnit } from '../pricing/price-call';
import { billableUnits } from '../pricing/price-call';
import { exactFromJson } from './base-cost';
import { costCall } from './cost-call';
import type { CostLine } from './cost-inputs';
import { LEDGER_DECIMALS } from './cost-inputs';
import { COMPANY, RESELLER, RETAIL, company, context, facts, plan, rates, twilioRate } from './cost-call.test-support';

/** A decimal of at most `decimals` places, as Retell's JSON numbers and the price API's strings carry them. */
const decimal = (max: bigint, decimals: number) =>
  fc.bigInt({ min: 0n, max }).map((units) => formatUnits(units, decimals));
const retellCost = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('llm', 'voice', 'telephony'), decimal(10n ** 10n, 6), fc.boolean()), {
      maxLength: 5,
    }),
    decimal(10n ** 6n, 6),
  )
  .map(([products, unattributed]): RetellCallCost => {
    const costs = products.map(([product, cents, transferLeg]) => ({ product, costCents: Number(cents), transferLeg }));
    const combined = sum([...products.map(([, c]) => Exact.parse(c)), Exact.parse(unattributed)]);
    return { combinedCostCents: Number(combined.toDecimalString()), totalDurationSeconds: null, productCosts: costs };
  });
const unit = fc.constantFrom<BillingUnit>('per_second', 'per_started_minute', 'per_minute_rounded');
const prices = fc.record({
  unit,
  pricePerUnit: decimal(10n ** 7n, 6),
  minimum: decimal(10n ** 7n, 6),
  fee: decimal(10n ** 7n, 6),
});
const scenario = fc.record({
  cost: retellCost,
  connected: fc.boolean(),
  durationMs: fc.nat({ max: 3 * 3600 * 1000 }),
  bookings: fc.nat({ max: 3 }),
  reseller: fc.boolean(),
  wholesale: prices,
  retail: fc.tuple(prices, fc.constantFrom('EUR', 'CHF')),
  usdPerEur: decimal(20000n, 4).filter((r) => r !== '0.0000'),
  chfPerEur: decimal(200000n, 5).filter((r) => r !== '0.00000'),
  twilio: fc.option(decimal(10n ** 5n, 6)),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario) {
  const toPlan = (id: string, p: Scenario['wholesale'], extra = {}) =>
    plan(id, {
      unit: p.unit,
      pricePerUnit: Exact.parse(p.pricePerUnit),
      minimumPerConnectedCall: Exact.parse(p.minimum),
      feePerConfirmedBooking: Exact.parse(p.fee),
      ...extra,
    });
  const [retailPrices, currency] = s.retail;
  const resellerId = s.reseller ? RESELLER : null;
  const retailPlan = toPlan('retail', retailPrices, {
    seller: RETAIL.seller,
    buyer: RETAIL.buyer,
    currency: s.reseller ? currency : 'EUR',
  });
  const wholesale = toPlan(
    'wholesale',
    s.wholesale,
    s.reseller ? {} : { buyer: { kind: 'company', companyId: COMPANY } },
  );
  const call = facts({
    startedAt: s.connected ? new Date('2026-10-13T07:41:07.412Z') : null,
    endedAt: new Date('2026-10-13T08:41:07.412Z'),
    durationMs: s.connected ? s.durationMs : 0,
    retellCost: s.cost,
    confirmedBookings: s.connected ? s.bookings : 0,
    line: { numberKind: s.twilio === null ? 'retell' : 'twilio_imported', numberType: 'local' },
  });
  const result = costCall(
    call,
    context({
      company: { ...company(resellerId, s.reseller ? currency : 'EUR') },
      wholesalePlan: wholesale,
      retailPlan,
      twilioRate: s.twilio === null ? null : twilioRate({ usdPerMinute: Exact.parse(s.twilio) }),
      ecbRates: rates({ USD: { '2026-10-13': s.usdPerEur }, CHF: { '2026-10-13': s.chfPerEur } }),
    }),
  );
  if (result.kind !== 'costed') throw new Error(JSON.stringify(result));
  return result.lines;
}

const of = (lines: CostLine[], kind: CostLine['kind']) => lines.filter((l) => l.kind === kind);
const HALF_UNIT = Exact.of(1n, 2n * 10n ** BigInt(LEDGER_DECIMALS));
const within = (x: Exact, bound: Exact) => x.compare(bound) <= 0 && x.negated().compare(bound) <= 0;
const perEur = (s: Scenario, currency: string) =>
  Exact.parse(currency === 'USD' ? s.usdPerEur : currency === 'CHF' ? s.chfPerEur : '1');

describe('costing a call, for any call, plans and rates', () => {
  it("property: the base cost lines add up to Retell's combined cost plus Twilio's, to the last digit, in dollars", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const lines = run(s);
        const twilio = sum(lines.filter((l) => l.component === 'twilio').map((l) => l.amount));
        const retell = of(lines, 'base_cost').filter((l) => l.component !== 'twilio');
        const minutes = s.connected ? billableUnits('per_started_minute', Math.round(s.durationMs / 1000)) : 0n;
        const expectedTwilio = Exact.parse(s.twilio ?? '0').times(Exact.of(minutes));
        const combined = exactFromJson(s.cost.combinedCostCents).dividedBy(Exact.of(100n));
        return sum(retell.map((l) => l.amount)).equals(combined) && twilio.equals(expectedTwilio);
      }),
    );
  });

  it('property: each euro figure is off its exact conversion by at most half a ledger unit, a sum of n lines by n halves', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const lines = run(s).filter((l) => l.currency !== '');
        const perLine = lines.every((l) =>
          within(l.amountEur.minus(l.amount.dividedBy(perEur(s, l.currency))), HALF_UNIT),
        );
        const base = of(lines, 'base_cost');
        const exactEur = sum(base.map((l) => l.amount)).dividedBy(perEur(s, 'USD'));
        const total = within(
          sum(base.map((l) => l.amountEur)).minus(exactEur),
          HALF_UNIT.times(Exact.of(BigInt(base.length))),
        );
        return perLine && total;
      }),
    );
  });

  it('property: wholesale − base − platform profit and retail − wholesale − reseller profit are exactly zero in euros', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const lines = run(s);
        const eur = (kind: CostLine['kind']) => sum(of(lines, kind).map((l) => l.amountEur));
        const platform = eur('wholesale').minus(eur('base_cost')).minus(eur('platform_profit')).isZero();
        const reseller = s.reseller
          ? eur('retail').minus(eur('wholesale')).minus(eur('reseller_profit')).isZero()
          : of(lines, 'reseller_profit').length === 0 &&
            JSON.stringify(of(lines, 'retail').map((l) => [l.component, l.amount.toDecimalString()])) ===
              JSON.stringify(of(lines, 'wholesale').map((l) => [l.component, l.amount.toDecimalString()]));
        return platform && reseller;
      }),
    );
  });

  it('property: every amount is at the ledger scale, and no money line is zero', () => {
    const scale = Exact.of(10n ** BigInt(LEDGER_DECIMALS));
    fc.assert(
      fc.property(scenario, (s) =>
        run(s).every(
          (l) =>
            l.amount.times(scale).denominator === 1n &&
            l.amountEur.times(scale).denominator === 1n &&
            (l.currency === '' || !(l.amount.isZero() && l.amountEur.isZero())),
        ),
      ),
    );
  });
});
