import type { VisibleCompany } from '../access/company-scope';
import { formatUnits } from '../money/exact';
import type { MonthlyStatement } from './monthly-statement';

const money = (cents: bigint): string => formatUnits(cents, 2);

/**
 * A statement as the API shows it: amounts as decimal strings to the cent (the statement's own
 * rounding, so `total` = `callsTotal` + `monthlyFee` − `credit` exactly), and the calls of the
 * month still pending, which are not on it yet.
 */
export function statementJson(company: VisibleCompany, statement: MonthlyStatement, pendingCalls: number) {
  return {
    companyId: company.id,
    companyName: company.name,
    month: statement.month,
    currency: statement.currency,
    calls: statement.calls.map((c) => ({
      callId: c.callId,
      callDay: c.callDay,
      startedAt: c.startedAt.toISOString(),
      connectedSeconds: c.connectedSeconds,
      planId: c.planId,
      amount: money(c.amountCents),
      credit: money(c.creditCents),
    })),
    feePlanId: statement.feePlanId,
    includedMinutes: statement.includedMinutes,
    monthlyFee: money(statement.monthlyFeeCents),
    callsTotal: money(statement.callsCents),
    credit: money(statement.creditCents),
    subtotal: money(statement.subtotalCents),
    total: money(statement.totalCents),
    pending: { calls: pendingCalls, note: pendingNote(pendingCalls) },
  };
}

export function pendingNote(pendingCalls: number): string | null {
  if (pendingCalls === 0) return null;
  return `${pendingCalls} call(s) of the month are not costed yet (waiting for an exchange rate, a plan or the directory) and not billed on this statement`;
}
