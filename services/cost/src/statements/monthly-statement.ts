import { Exact, sum } from '../money/exact';
import type { Plan } from '../costing/cost-inputs';
import { billableUnits } from '../pricing/price-call';
import { isInMonth, statementPlan } from './statement-month';

/** One call of the month as the ledger holds it: its retail lines in the billing currency. */
export interface StatementCall {
  callId: string;
  /** the instant it was costed at (its start; its end for a call that never connected) */
  startedAt: Date;
  /** its Berlin day, which decides its month */
  callDay: string;
  connectedSeconds: number;
  /** the retail plan it was priced under */
  planId: string;
  /** its retail lines (`usage`, `minimum`, `booking_fees`), exact at the ledger scale */
  lines: readonly { component: string; amount: Exact }[];
}

export interface StatementInput {
  companyId: string;
  /** YYYY-MM, a Europe/Berlin calendar month */
  month: string;
  /** the billing currency: every plan involved must be in it */
  currency: string;
  calls: readonly StatementCall[];
  /** the company's retail plans that may apply in the month (for the fee and the calls' prices) */
  plans: readonly Plan[];
}

export interface StatementCallLine {
  callId: string;
  callDay: string;
  startedAt: Date;
  connectedSeconds: number;
  planId: string;
  /** the call's retail total in cents, rounded half away from zero */
  amountCents: bigint;
  /** what the included minutes take off this call, in cents (≥ 0, never more than its usage) */
  creditCents: bigint;
}

export interface MonthlyStatement {
  companyId: string;
  month: string;
  currency: string;
  /** in the order they consumed the allowance: by start, then call id */
  calls: StatementCallLine[];
  feePlanId: string | null;
  includedMinutes: number;
  monthlyFeeCents: bigint;
  callsCents: bigint;
  creditCents: bigint;
  /** calls + fee */
  subtotalCents: bigint;
  /** subtotal − credit */
  totalCents: bigint;
}

/**
 * A company's statement for a month. Each call's retail total and each credit is rounded to cents
 * once (half away from zero); every total is then a sum of those cents, so it equals the sum of its
 * lines exactly. The fee and allowance come from `statementPlan`. The allowance (the fee plan's
 * included minutes) is consumed by the month's calls in start order, in each call's billed units
 * (minutes; seconds under a per-second plan); the credit is the covered units at the call's own
 * plan price, never the minimum top-up or booking fees, and never more than the call's usage.
 * Inconsistent input (a call of another month, an unknown plan, another currency) is a RangeError.
 */
export function monthlyStatement(input: StatementInput): MonthlyStatement {
  const feePlan = statementPlan(input.plans, input.month);
  const planOf = planLookup(input);
  let allowanceSeconds = BigInt((feePlan?.includedMinutes ?? 0) * 60);
  const calls = [...input.calls].sort(byStart).map((call) => {
    const line = callLine(call, planOf(call.planId), allowanceSeconds);
    allowanceSeconds = line.allowanceLeft;
    return line.line;
  });
  const monthlyFeeCents = feePlan ? feePlan.monthlyFee.roundTo(2) : 0n;
  const callsCents = calls.reduce((total, c) => total + c.amountCents, 0n);
  const creditCents = calls.reduce((total, c) => total + c.creditCents, 0n);
  const subtotalCents = callsCents + monthlyFeeCents;
  return {
    companyId: input.companyId,
    month: input.month,
    currency: input.currency,
    calls,
    feePlanId: feePlan?.id ?? null,
    includedMinutes: feePlan?.includedMinutes ?? 0,
    monthlyFeeCents,
    callsCents,
    creditCents,
    subtotalCents,
    totalCents: subtotalCents - creditCents,
  };
}

function callLine(call: StatementCall, plan: Plan, allowanceSeconds: bigint) {
  const units = billableUnits(plan.unit, call.connectedSeconds);
  const unitSeconds = plan.unit === 'per_second' ? 1n : 60n;
  const coveredUnits = units < allowanceSeconds / unitSeconds ? units : allowanceSeconds / unitSeconds;
  const usage = sum(call.lines.filter((l) => l.component === 'usage').map((l) => l.amount));
  const covered = plan.pricePerUnit.times(Exact.of(coveredUnits));
  const credit = covered.compare(usage) > 0 ? usage : covered;
  const { callId, callDay, startedAt, connectedSeconds, planId } = call;
  const amountCents = sum(call.lines.map((l) => l.amount)).roundTo(2);
  return {
    line: { callId, callDay, startedAt, connectedSeconds, planId, amountCents, creditCents: credit.roundTo(2) },
    allowanceLeft: allowanceSeconds - coveredUnits * unitSeconds,
  };
}

function planLookup(input: StatementInput): (planId: string) => Plan {
  for (const plan of input.plans) {
    if (plan.currency !== input.currency) throw new RangeError(`plan ${plan.id} is not in ${input.currency}`);
  }
  for (const call of input.calls) {
    if (!isInMonth(call.callDay, input.month)) throw new RangeError(`call ${call.callId} is not of ${input.month}`);
  }
  return (planId) => {
    const plan = input.plans.find((p) => p.id === planId);
    if (!plan) throw new RangeError(`plan ${planId} is not among the statement's plans`);
    return plan;
  };
}

function byStart(a: StatementCall, b: StatementCall): number {
  return a.startedAt.getTime() - b.startedAt.getTime() || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0);
}
