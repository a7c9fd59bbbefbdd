import { Exact } from '../money/exact';
import { rateForCall } from '../exchange-rates/rate-for-call';
import type { CostContext } from './cost-inputs';

export type UsdRate =
  | { kind: 'rate'; callDay: string; rateDate: string; usdPerEur: Exact }
  | { kind: 'pending'; callDay: string; waitingFor: string };

/**
 * The call's dollar rate: the ECB's of its Berlin day (rateForCall's rules), or what it waits for.
 * A call costed before keeps the publication date it was costed at (`context.pinnedRateDate`), so
 * a day the ECB skipped and published later does not move a costing already made.
 */
export function usdRateOf(instant: Date, context: CostContext): UsdRate {
  const usd = context.ecbRates.get('USD') ?? new Map<string, Exact>();
  const pinned = context.pinnedRateDate ? usd.get(context.pinnedRateDate) : undefined;
  if (pinned && context.pinnedRateDate) {
    const { callDay } = rateForCall(instant, usd);
    return { kind: 'rate', callDay, rateDate: context.pinnedRateDate, usdPerEur: pinned };
  }
  const choice = rateForCall(instant, usd);
  return choice.kind === 'rate'
    ? { kind: 'rate', callDay: choice.callDay, rateDate: choice.rateDate, usdPerEur: choice.rate }
    : { kind: 'pending', callDay: choice.callDay, waitingFor: `USD rate of ${choice.waitingFor}` };
}

/**
 * Units of `currency` per euro on the ECB publication date the call's dollar rate came from (so all
 * of a call's conversions use one day's rates: cross rates through the euro). EUR is 1. null: the
 * ECB's rate of that currency for that date is not known.
 */
export function perEurOn(currency: string, rateDate: string, context: CostContext): Exact | null {
  if (currency === 'EUR') return Exact.of(1n);
  return context.ecbRates.get(currency)?.get(rateDate) ?? null;
}
