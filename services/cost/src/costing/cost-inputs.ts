import type { CallLine, RetellCallCost, TenantAttribution } from '@rb/contracts';
import type { Exact } from '../money/exact';
import type { BillingUnit } from '../pricing/price-call';

/**
 * What the costing of one call is decided from: the facts its events brought (in any order, any
 * number of times), the directory, the plans and rate tables in force at the call's start, and the
 * ECB rates. Everything here is data; `costCall` (cost-call.ts) is the pure decision over it.
 */

/** A call as its events told it (call.ended.v1, call.analysed.v1, the intent, the outcomes). */
export interface CallFacts {
  callId: string;
  /**
   * Whether call.ended.v1 arrived (true) or not (false). Absent: inferred, ended unless endedAt,
   * durationMs and retellCost are all null (call.analysed.v1 alone brings only retellCost, so a
   * caller that may pass facts before call.ended.v1 should set this).
   */
  ended?: boolean;
  /** null: the call was not routed to a tenant (its base cost still counts, for the platform) */
  attribution: TenantAttribution | null;
  /** when it connected; null: it never did */
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  direction: 'inbound' | 'outbound' | 'web' | null;
  line: CallLine | null;
  twilioCallSid: string | null;
  /** the latest cost Retell reported: call_analyzed's when it brought one, else call_ended's */
  retellCost: RetellCallCost | null;
  /** from the call's booking intent, when there was one */
  serviceId: string | null;
  staffId: string | null;
  /** bookings the call made that stand (confirmed, not undone by compensation; a move counts once) */
  confirmedBookings: number;
  /** of those, how many took an offered alternative instead of the caller's wish */
  alternativeBookings: number;
}

/** A price plan, effective-dated: `[validFrom, validUntil)`, open-ended when validUntil is null. */
export interface Plan {
  id: string;
  /** 'platform' or a reseller id: who sells at these prices */
  seller: string;
  /** what the plan is for: a reseller (wholesale), a company, or everyone of that seller (null) */
  buyer: { kind: 'reseller'; resellerId: string } | { kind: 'company'; companyId: string } | { kind: 'default' };
  currency: string;
  unit: BillingUnit;
  pricePerUnit: Exact;
  minimumPerConnectedCall: Exact;
  feePerConfirmedBooking: Exact | null;
  /** for the monthly statement only */
  monthlyFee: Exact;
  includedMinutes: number;
  validFrom: Date;
  validUntil: Date | null;
}

/** Twilio's per-minute price for imported numbers, effective-dated like plans, in USD. */
export interface TwilioRate {
  id: string;
  direction: 'inbound' | 'outbound';
  numberType: 'local' | 'mobile' | 'toll_free';
  /** US dollars per billed minute */
  usdPerMinute: Exact;
  /** Twilio bills every started minute */
  unit: 'per_started_minute';
  validFrom: Date;
  validUntil: Date | null;
}

/** The directory as cost knows it (tenants.directory.v1). */
export interface CompanyAccount {
  companyId: string;
  /** null: the company buys from the platform directly */
  resellerId: string | null;
  billingCurrency: string;
  /** the reseller's billing currency, when there is one */
  resellerCurrency: string | null;
}

/** Everything `costCall` needs besides the facts, looked up for the call's start (or pinned earlier). */
export interface CostContext {
  /** null: the company is not (yet) in cost's directory read model */
  company: CompanyAccount | null;
  /** the platform's plan for the reseller, or for the company when it has none */
  wholesalePlan: Plan | null;
  /** the reseller's plan for the company; for a company without a reseller, the same plan as wholesale */
  retailPlan: Plan | null;
  /** only needed for a call on an imported Twilio number */
  twilioRate: TwilioRate | null;
  /** ECB rates by currency (units per 1 EUR), by publication date: at least USD and the plans' currencies */
  ecbRates: ReadonlyMap<string, ReadonlyMap<string, Exact>>;
  /** the ECB publication date a costed call was costed at, which it keeps (absent: chosen by its day) */
  pinnedRateDate?: string | null;
}

/** What a ledger entry is of: quantities (no currency) and money (a currency, and its euro value). */
export type LedgerKind =
  | 'call'
  | 'connected_seconds'
  | 'confirmed_bookings'
  | 'alternative_bookings'
  | 'base_cost'
  | 'wholesale'
  | 'retail'
  | 'platform_profit'
  | 'reseller_profit';

/**
 * One line of a call's costing as it should stand. Amounts are already at the ledger's scale
 * (LEDGER_DECIMALS, rounded half away from zero by `toLedgerScale`, the one rounding place of the
 * per-call costing); quantities have currency ''. `amountEur` is the line in euros at the call's
 * ECB rate (equal to `amount` for EUR and for quantities).
 */
export interface CostLine {
  kind: LedgerKind;
  /** base cost: Retell's product (`<product> (transfer leg)`, `retell (unattributed)`) or `twilio`;
   * wholesale/retail: `usage`, `minimum`, `booking_fees`; otherwise '' */
  component: string;
  currency: string;
  amount: Exact;
  amountEur: Exact;
}

/** What a costing used, recorded on each of its ledger entries. */
export interface CostPins {
  /** the call's day in Europe/Berlin */
  callDay: string;
  /** the ECB publication date whose rates were used; null when none was needed */
  rateDate: string | null;
  usdPerEur: Exact | null;
  wholesalePlanId: string | null;
  retailPlanId: string | null;
  twilioRateId: string | null;
  resellerId: string | null;
}

export type PendingReason = 'rate' | 'plan' | 'twilio_rate' | 'directory';

export type CallCosting =
  /** the call is not over yet as far as cost knows (no call.ended.v1): nothing to cost */
  | { kind: 'not_ended' }
  /** it cannot be costed yet; it is costed as soon as what it waits for arrives — never guessed */
  | { kind: 'pending'; reason: PendingReason; waitingFor: string }
  | { kind: 'costed'; lines: CostLine[]; pins: CostPins };

/** The ledger's scale: amounts are kept to 8 decimals of the currency (6 decimals of a cent). */
export const LEDGER_DECIMALS = 8;
