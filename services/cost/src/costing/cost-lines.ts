import { Exact } from '../money/exact';
import { priceCall } from '../pricing/price-call';
import type { CostComponent } from './base-cost';
import type { CallFacts, CostLine, Plan } from './cost-inputs';
import { eurOf, moneyLine, present, profitLine, quantityLine } from './ledger-scale';

/** What of a call its prices count: whether it connected, and its connected whole seconds. */
export interface CallMeasures {
  connected: boolean;
  connectedSeconds: number;
}

/**
 * The counts of a call. A routed call always carries all four (zero included: they state facts);
 * an unrouted call only `call` and `connected_seconds` (no tenant, so no bookings).
 */
export function quantityLines(facts: CallFacts, measures: CallMeasures): CostLine[] {
  const lines = [quantityLine('call', 1), quantityLine('connected_seconds', measures.connectedSeconds)];
  if (facts.attribution === null) return lines;
  return [
    ...lines,
    quantityLine('confirmed_bookings', facts.confirmedBookings),
    quantityLine('alternative_bookings', facts.alternativeBookings),
  ];
}

const CENTS_PER_DOLLAR = Exact.of(100n);

/** The base cost: each component (US cents) as a line in US dollars with its euro value. */
export function baseCostLines(components: readonly CostComponent[], usdPerEur: Exact): CostLine[] {
  return present(
    components.map((c) =>
      moneyLine('base_cost', c.component, 'USD', c.usdCents.dividedBy(CENTS_PER_DOLLAR), usdPerEur),
    ),
  );
}

/**
 * What a plan charges for the call, split as priceCall splits it: `usage`, `minimum` (the top-up to
 * the minimum of a connected call) and `booking_fees`, in the plan's currency; zero parts are omitted.
 */
export function planLines(
  kind: 'wholesale' | 'retail',
  plan: Plan,
  facts: CallFacts,
  measures: CallMeasures,
  perEur: Exact,
): CostLine[] {
  const charge = priceCall(
    {
      unit: plan.unit,
      pricePerUnit: plan.pricePerUnit,
      minimumPerConnectedCall: plan.minimumPerConnectedCall,
      feePerConfirmedBooking: plan.feePerConfirmedBooking ?? undefined,
    },
    {
      durationSeconds: measures.connectedSeconds,
      connected: measures.connected,
      confirmedBookings: facts.confirmedBookings,
    },
  );
  const line = (component: string, amount: Exact) => moneyLine(kind, component, plan.currency, amount, perEur);
  return present([
    line('usage', charge.usage),
    line('minimum', charge.minimumTopUp),
    line('booking_fees', charge.bookingFees),
  ]);
}

/**
 * The profits, in euros, from the rounded euro figures of the lines: platform = wholesale − base
 * cost; reseller = retail − wholesale, only when there is a reseller. So wholesale − base −
 * platform profit is exactly zero, and so is retail − wholesale − reseller profit.
 */
export function profitLines(lines: readonly CostLine[], hasReseller: boolean): CostLine[] {
  const wholesale = eurOf(lines, 'wholesale');
  return present([
    profitLine('platform_profit', wholesale.minus(eurOf(lines, 'base_cost'))),
    hasReseller ? profitLine('reseller_profit', eurOf(lines, 'retail').minus(wholesale)) : null,
  ]);
}
