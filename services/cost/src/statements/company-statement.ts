import type { Sql } from '@rb/kafka-runner';
import type { Caller } from '../access/caller';
import { resellerScope } from '../access/caller';
import type { VisibleCompany } from '../access/company-scope';
import { findVisibleCompany } from '../access/company-scope';
import { PLATFORM } from '../pricing/plans';
import { monthRange } from '../reports/reports';
import type { MonthlyStatement } from './monthly-statement';
import { monthlyStatement } from './monthly-statement';
import { monthBounds } from './statement-month';
import type { LoadedCall, StatementSelection } from './statement.repository';
import { countPendingCalls, loadStatementCalls, loadStatementPlans } from './statement.repository';

export type CompanyStatementResult =
  | { kind: 'statement'; company: VisibleCompany; statement: MonthlyStatement; pendingCalls: number }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'not_found' }
  /** the ledger's lines do not fit one statement (a line in another currency than the company is billed in) */
  | { kind: 'inconsistent'; reason: string };

/**
 * A company's monthly statement from the ledger: the retail lines of its calls whose Berlin day is in
 * the month, each call as it costs now, with the monthly fee and included minutes of its plan
 * (monthlyStatement does the arithmetic). Calls still pending are counted, not billed. A reseller
 * sees statements of its own companies only, of what it sold.
 */
export function makeCompanyStatement(deps: { db: Sql }) {
  return async function companyStatement(
    caller: Caller,
    companyId: string,
    month: string,
  ): Promise<CompanyStatementResult> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return { kind: 'invalid', problems: ['month: YYYY-MM'] };
    const company = await findVisibleCompany(deps.db, caller, companyId);
    if (!company) return { kind: 'not_found' };
    const selection: StatementSelection = { companyId, ...monthRange(month), resellerId: resellerScope(caller) };
    const [calls, pendingCalls] = await Promise.all([
      loadStatementCalls(deps.db, selection),
      countPendingCalls(deps.db, selection),
    ]);
    const currency = company.billingCurrency ?? calls[0]?.currencies[0] ?? 'EUR';
    const foreign = calls.find((c) => c.currencies.some((x) => x !== currency));
    if (foreign)
      return {
        kind: 'inconsistent',
        reason: `call ${foreign.callId} has retail lines in another currency than ${currency}`,
      };
    const plans = await loadStatementPlans(deps.db, {
      companyId,
      seller: company.resellerId ?? PLATFORM,
      currency,
      planIds: [...new Set(calls.map((c) => c.planId))],
      ...monthStartEnd(month),
    });
    try {
      return {
        kind: 'statement',
        company,
        statement: statementOf(company, month, currency, calls, plans),
        pendingCalls,
      };
    } catch (error) {
      // monthlyStatement refuses input that does not fit together (a call's plan missing, another currency)
      if (error instanceof RangeError) return { kind: 'inconsistent', reason: error.message };
      throw error;
    }
  };
}

function statementOf(
  company: VisibleCompany,
  month: string,
  currency: string,
  calls: LoadedCall[],
  plans: Parameters<typeof monthlyStatement>[0]['plans'],
): MonthlyStatement {
  const statementCalls = calls.map(({ currencies, ...call }) => (void currencies, call));
  return monthlyStatement({ companyId: company.id, month, currency, calls: statementCalls, plans });
}

function monthStartEnd(month: string): { monthStart: Date; monthEnd: Date } {
  const { start, end } = monthBounds(month);
  return { monthStart: start, monthEnd: end };
}
