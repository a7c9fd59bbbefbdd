import type { CallCosting, CallFacts, CompanyAccount, CostContext, CostLine, Plan } from './cost-inputs';
import { perEurOn } from './call-rates';
import type { CallMeasures } from './cost-lines';
import { planLines, profitLines } from './cost-lines';

type Pending = Extract<CallCosting, { kind: 'pending' }>;

/** Who sells a routed call at which prices: the company, the platform's plan (wholesale) and the company's (retail). */
export interface Parties {
  kind: 'parties';
  company: CompanyAccount;
  wholesale: Plan;
  /** for a company without a reseller: the wholesale plan itself */
  retail: Plan;
  hasReseller: boolean;
}

/**
 * The parties of a routed call, or what it waits for: the company in the directory, then the
 * platform's plan (wholesale), then the reseller's plan (retail). A company without a reseller pays
 * the platform's plan (context.retailPlan is then not read). A plan must be in its buyer's
 * currency (the reseller's, else the company's billing currency, where known); one that is not
 * is a plan problem and the call waits for the right plan, never converted between two plans.
 */
export function partiesOf(companyId: string, context: CostContext): Parties | Pending {
  const company = context.company;
  if (company === null) return pending('directory', `company ${companyId} in the directory`);
  const reseller = company.resellerId;
  const wholesale = context.wholesalePlan;
  const wholesaleName = reseller === null ? `plan of company ${companyId}` : `wholesale plan of reseller ${reseller}`;
  if (wholesale === null) return pending('plan', wholesaleName);
  const retail = reseller === null ? wholesale : context.retailPlan;
  if (retail === null) return pending('plan', `retail plan of reseller ${reseller} for company ${companyId}`);
  const wholesaleCurrency = reseller === null ? company.billingCurrency : company.resellerCurrency;
  const wrong =
    currencyProblem(wholesaleName, wholesale, wholesaleCurrency) ??
    currencyProblem(`retail plan of company ${companyId}`, retail, company.billingCurrency);
  if (wrong !== null) return pending('plan', wrong);
  return { kind: 'parties', company, wholesale, retail, hasReseller: reseller !== null };
}

/**
 * The lines of a routed call: its base lines, then wholesale and retail (each in its plan's
 * currency with the euro value at the call's rate date), then the profits. A plan currency
 * without an ECB rate for that date → pending `rate`.
 */
export function partyLines(
  base: readonly CostLine[],
  parties: Parties,
  facts: CallFacts,
  measures: CallMeasures,
  rates: { rateDate: string; context: CostContext },
): { kind: 'lines'; lines: CostLine[] } | Pending {
  const wholesaleRate = perEurOn(parties.wholesale.currency, rates.rateDate, rates.context);
  if (wholesaleRate === null) return pending('rate', `${parties.wholesale.currency} rate of ${rates.rateDate}`);
  const retailRate = perEurOn(parties.retail.currency, rates.rateDate, rates.context);
  if (retailRate === null) return pending('rate', `${parties.retail.currency} rate of ${rates.rateDate}`);
  const priced = [
    ...base,
    ...planLines('wholesale', parties.wholesale, facts, measures, wholesaleRate),
    ...planLines('retail', parties.retail, facts, measures, retailRate),
  ];
  return { kind: 'lines', lines: [...priced, ...profitLines(priced, parties.hasReseller)] };
}

function currencyProblem(name: string, plan: Plan, expected: string | null): string | null {
  return expected === null || plan.currency === expected
    ? null
    : `${name} in ${expected} (plan ${plan.id} is in ${plan.currency})`;
}

function pending(reason: Pending['reason'], waitingFor: string): Pending {
  return { kind: 'pending', reason, waitingFor };
}
