import fc from 'fast-check';
import { Exact, sum } from '../money/exact';
import { exactFromJson, retellCostComponents } from './base-cost';
import { margins } from './margins';
import { fixtureCall, toContractCost } from './retell-fixtures.test-support';

const callCostOf = (fixture: string) => fixtureCall(fixture).retellCost;
const text = (components: { component: string; usdCents: Exact }[]) =>
  components.map((c) => [c.component, c.usdCents.toDecimalString()]);

describe("Retell's cost of a call", () => {
  it('when fixture 02 is costed, then its three products add up to combined_cost 9.09 exactly', () => {
    const components = retellCostComponents(callCostOf('02-call_ended.salon-inbound.json'));
    expect(text(components)).toEqual([
      ['retell_platform', '6.3'],
      ['gpt_4_1_mini', '1.44'],
      ['retell_telephony', '1.35'],
    ]);
    expect(sum(components.map((c) => c.usdCents)).toDecimalString()).toBe('9.09');
  });

  it('when a call had a transfer (fixture 07), then the transfer leg is its own component', () => {
    const components = retellCostComponents(callCostOf('07-call_analyzed.praxis-inbound-transfer.json'));
    expect(text(components)).toContainEqual(['retell_telephony (transfer leg)', '2.43']);
    expect(text(components)).toContainEqual(['retell_telephony', '3.8']);
    expect(sum(components.map((c) => c.usdCents)).toDecimalString()).toBe('35.37');
  });

  it("when Retell's products do not add up to combined_cost, then the difference is a component of its own", () => {
    const components = retellCostComponents(
      toContractCost({ product_costs: [{ product: 'llm', cost: 1.1 }], combined_cost: 1.25 }),
    );
    expect(text(components)).toEqual([
      ['llm', '1.1'],
      ['retell (unattributed)', '0.15'],
    ]);
  });

  it('when a JSON number is tiny or written with an exponent, then its exact decimal is kept', () => {
    expect(exactFromJson(1e-7).toDecimalString()).toBe('0.0000001');
    expect(exactFromJson(2.5e21).toDecimalString()).toBe('2500000000000000000000');
    expect(exactFromJson(0.1 + 0.2).toDecimalString(20)).toBe('0.30000000000000004');
    expect(() => exactFromJson(Number.NaN)).toThrow(RangeError);
  });
});

describe('margins', () => {
  const eur = Exact.parse;

  it('when a reseller sells the call, then each party earns its own difference and margin', () => {
    const m = margins({ baseCost: eur('0.085'), wholesale: eur('0.20'), retail: eur('0.32'), hasReseller: true });
    expect([m.platformProfit, m.resellerProfit].map((x) => x.toDecimalString())).toEqual(['0.115', '0.12']);
    expect([m.platformMargin?.toDecimalString(), m.resellerMargin?.toDecimalString()]).toEqual(['0.575', '0.375']);
  });

  it('when a company has no reseller, then the reseller earns nothing and retail must be the platform plan', () => {
    const m = margins({ baseCost: eur('0.30'), wholesale: eur('0.20'), retail: eur('0.20'), hasReseller: false });
    expect([m.platformProfit.toDecimalString(), m.resellerProfit.toDecimalString(), m.resellerMargin]).toEqual([
      '-0.1',
      '0',
      null,
    ]);
    expect(() => margins({ baseCost: eur('0'), wholesale: eur('1'), retail: eur('2'), hasReseller: false })).toThrow(
      RangeError,
    );
  });

  it('property: base cost plus both profits is what the company paid, to the last digit', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 9n }).map((n) => Exact.of(n, 10000n));
    fc.assert(
      fc.property(amount, amount, amount, (baseCost, wholesale, retail) => {
        const m = margins({ baseCost, wholesale, retail, hasReseller: true });
        return baseCost.plus(m.platformProfit).plus(m.resellerProfit).equals(retail);
      }),
    );
  });
});
