import type { Exact } from '../money/exact';

export interface PartyAmounts {
  /** what the platform pays outside (Retell, Twilio for imported numbers), in the billing currency */
  baseCost: Exact;
  /** what the reseller pays the platform (the platform's plan) */
  wholesale: Exact;
  /** what the company pays; equal to wholesale for a company without a reseller */
  retail: Exact;
  hasReseller: boolean;
}

export interface Margins {
  platformProfit: Exact;
  resellerProfit: Exact;
  /** profit ÷ revenue of that party; null where the party had no revenue */
  platformMargin: Exact | null;
  resellerMargin: Exact | null;
}

/**
 * The words of ../shared/cost/NOTES.md: platform profit = wholesale − base cost; reseller profit
 * = retail − wholesale (zero without a reseller, who then does not exist for this call); margin =
 * profit ÷ that party's revenue. Exact; a negative profit stays negative.
 */
export function margins(amounts: PartyAmounts): Margins {
  if (!amounts.hasReseller && !amounts.retail.equals(amounts.wholesale)) {
    throw new RangeError('a company without a reseller pays the platform plan: retail must equal wholesale');
  }
  const platformProfit = amounts.wholesale.minus(amounts.baseCost);
  const resellerProfit = amounts.retail.minus(amounts.wholesale);
  return {
    platformProfit,
    resellerProfit,
    platformMargin: amounts.wholesale.isZero() ? null : platformProfit.dividedBy(amounts.wholesale),
    resellerMargin: !amounts.hasReseller || amounts.retail.isZero() ? null : resellerProfit.dividedBy(amounts.retail),
  };
}
