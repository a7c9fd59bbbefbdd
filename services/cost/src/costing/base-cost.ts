import type { RetellCallCost } from '@rb/contracts';
import { Exact, sum } from '../money/exact';

export interface CostComponent {
  /** Retell's product name, `<product> (transfer leg)` for a transfer's own leg */
  component: string;
  usdCents: Exact;
}

/**
 * A JSON number as the decimal it was written as. JavaScript prints the shortest text that reads
 * back to the same double, which for Retell's figures ("6.3", "0.0005") is the text it sent; an
 * exponent ("1e-7") is expanded. Not finite → RangeError.
 */
export function exactFromJson(value: number): Exact {
  if (!Number.isFinite(value)) throw new RangeError('not a finite number');
  const [mantissa = '0', exponent = '0'] = String(value).split('e');
  const shift = BigInt(Number(exponent));
  const base = Exact.parse(mantissa);
  return shift >= 0n ? base.times(Exact.of(10n ** shift)) : base.dividedBy(Exact.of(10n ** -shift));
}

/**
 * Retell's cost of a call by component, in US cents, exact, from the contract's shape
 * (`RetellCallCost` of call.ended.v1 / call.analysed.v1: Retell's `call_cost` in camelCase). The
 * components always add up to `combinedCostCents`: where Retell's products do not (rounding on
 * their side), the difference is its own component, `retell (unattributed)`, never dropped or spread.
 */
export function retellCostComponents(cost: RetellCallCost): CostComponent[] {
  const components = cost.productCosts.map((p) => ({
    component: p.transferLeg ? `${p.product} (transfer leg)` : p.product,
    usdCents: exactFromJson(p.costCents),
  }));
  const difference = exactFromJson(cost.combinedCostCents).minus(sum(components.map((c) => c.usdCents)));
  return difference.isZero()
    ? components
    : [...components, { component: 'retell (unattributed)', usdCents: difference }];
}
