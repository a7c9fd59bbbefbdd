import { DateTime } from 'luxon';
import type { Sql } from '@rb/kafka-runner';
import type { CallFacts, CompanyAccount, CostContext, Plan } from '../costing/cost-inputs';
import { callInstant } from '../costing/cost-call';
import { loadCompanyAccounts } from '../directory/directory-read-model';
import { callDayOf } from '../exchange-rates/rate-for-call';
import { plansForCompany } from '../pricing/plans';
import { twilioRateInForce } from '../pricing/twilio-rates';
import type { CostingPins, CostingState } from './costing-state.repository';
import { loadEcbRates, loadPlans, loadTwilioRates } from './price-tables';

/** How far before the earliest call day rates are loaded: longer than any gap between ECB publications. */
const RATE_LOOKBACK_DAYS = 14;

/**
 * Everything a chunk of calls is costed against, read once: the companies' accounts, the plans
 * of the parties (and pinned plans), Twilio's rates when a call needs them, the ECB rates. Then
 * each call's context: a costed call keeps the plans, Twilio rate and reseller it was costed with
 * (its pins) unless it is re-costed on purpose; a new one takes what is in force at its start.
 */
export async function costingContexts(
  sql: Sql,
  calls: readonly CallFacts[],
  states: ReadonlyMap<string, CostingState>,
  options: { repin: boolean },
): Promise<Map<string, CostContext>> {
  const pinsOf = (callId: string): CostingPins | null => {
    const state = states.get(callId);
    return !options.repin && state?.kind === 'costed' ? state.pins : null;
  };
  const companyIds = [...new Set(calls.flatMap((c) => (c.attribution ? [c.attribution.companyId] : [])))];
  const accounts = await loadCompanyAccounts(sql, companyIds);
  const pinned = calls.map((c) => pinsOf(c.callId)).filter((p): p is CostingPins => p !== null);
  const resellerIds = [...accounts.values(), ...pinned].flatMap((a) => (a.resellerId ? [a.resellerId] : []));
  const plans = await loadPlans(sql, {
    buyerIds: [...companyIds, ...new Set(resellerIds)],
    planIds: pinned.flatMap((p) => [p.wholesalePlanId, p.retailPlanId].filter((id): id is string => id !== null)),
  });
  const twilio = calls.some((c) => c.line?.numberKind === 'twilio_imported') ? await loadTwilioRates(sql) : [];
  const ecbRates = await loadEcbRates(sql, earliestDay(calls));
  const contexts = new Map<string, CostContext>();
  for (const call of calls) {
    const account = call.attribution ? (accounts.get(call.attribution.companyId) ?? null) : null;
    const pins = pinsOf(call.callId);
    const company = pins && account ? pinnedAccount(account, pins) : known(account);
    const at = callInstant(call) ?? new Date(0);
    const chosen = pins ? pinnedPlans(plans, pins) : company ? plansForCompany(plans, company, at) : noPlans;
    contexts.set(call.callId, {
      company,
      wholesalePlan: chosen.wholesale,
      retailPlan: chosen.retail,
      twilioRate: twilioRateFor(call, twilio, pins, at),
      ecbRates,
      pinnedRateDate: pins?.rateDate ?? null,
    });
  }
  return contexts;
}

const noPlans = { wholesale: null, retail: null };

function pinnedPlans(plans: readonly Plan[], pins: CostingPins): { wholesale: Plan | null; retail: Plan | null } {
  const byId = (id: string | null) => (id ? (plans.find((p) => p.id === id) ?? null) : null);
  return { wholesale: byId(pins.wholesalePlanId), retail: byId(pins.retailPlanId) };
}

function twilioRateFor(
  call: CallFacts,
  rates: Parameters<typeof twilioRateInForce>[0],
  pins: CostingPins | null,
  at: Date,
): CostContext['twilioRate'] {
  if (call.line?.numberKind !== 'twilio_imported') return null;
  if (pins?.twilioRateId) return rates.find((r) => r.id === pins.twilioRateId) ?? null;
  if (call.direction !== 'inbound' && call.direction !== 'outbound') return null;
  if (!call.line.numberType) return null;
  return twilioRateInForce(rates, call.direction, call.line.numberType, at);
}

/** A company whose reseller is not in the directory yet is not known enough to cost: its calls wait. */
function known(account: CompanyAccount | null): CompanyAccount | null {
  return account && account.resellerId && account.resellerCurrency === null ? null : account;
}

/** A costed call keeps the reseller and currencies it was costed with (a later change of the directory is not retroactive). */
function pinnedAccount(account: CompanyAccount, pins: CostingPins): CompanyAccount {
  return {
    companyId: account.companyId,
    resellerId: pins.resellerId,
    billingCurrency: pins.billingCurrency ?? account.billingCurrency,
    resellerCurrency: pins.resellerId ? (pins.resellerCurrency ?? account.resellerCurrency ?? 'EUR') : null,
  };
}

function earliestDay(calls: readonly CallFacts[]): string {
  const days = calls.map((c) => callDayOf(callInstant(c) ?? new Date()));
  const earliest = days.sort()[0] ?? callDayOf(new Date());
  return DateTime.fromISO(earliest).minus({ days: RATE_LOOKBACK_DAYS }).toISODate()!;
}
