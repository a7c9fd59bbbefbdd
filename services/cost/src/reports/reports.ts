import type { Sql } from '@rb/kafka-runner';
import type { Caller } from '../access/caller';
import { resellerScope } from '../access/caller';
import { findVisibleCompany } from '../access/company-scope';
import type { ReportRow } from './report-rows';
import { toReportRow } from './report-rows';
import type { ReportRequest } from './report-request';
import { parseReportRequest } from './report-request';
import { reportSums } from './report.repository';

export type ReportResult =
  | { kind: 'report'; request: ReportRequest; rows: ReportRow[] }
  | { kind: 'invalid'; problems: string[] }
  /** a company or reseller the caller may not see: the same answer as an unknown one */
  | { kind: 'not_found' };

/**
 * Reports per reseller, company, branch, service or staff, per day or month, from the ledger. A
 * reseller's token reports only on calls it sold of companies that are its own now (whatever it
 * filters on), without the platform's figures; naming another reseller or its company is not found.
 */
export function makeReports(deps: { db: Sql }) {
  return async function report(caller: Caller, query: Record<string, unknown>): Promise<ReportResult> {
    const parsed = parseReportRequest(query);
    if (parsed.kind === 'invalid') return parsed;
    const { request } = parsed;
    const onlyOfReseller = resellerScope(caller);
    if (onlyOfReseller !== null) {
      if (request.resellerId !== null && request.resellerId !== onlyOfReseller) return { kind: 'not_found' };
      if (request.companyId !== null && !(await findVisibleCompany(deps.db, caller, request.companyId)))
        return { kind: 'not_found' };
    }
    const sums = await reportSums(deps.db, { ...request, onlyOfReseller });
    const audience = onlyOfReseller === null ? 'operator' : 'reseller';
    return { kind: 'report', request, rows: sums.map((s) => toReportRow(s, audience)) };
  };
}

/** The company-month report (YYYY-MM) in the operator's view: what `pnpm bench:cost` times. */
export async function companyMonthReport(db: Sql, companyId: string, month: string): Promise<ReportRow[]> {
  const result = await makeReports({ db })(
    { kind: 'operator' },
    { by: 'company', period: 'month', ...monthRange(month), companyId },
  );
  if (result.kind !== 'report') throw new Error(`companyMonthReport: ${JSON.stringify(result)}`);
  return result.rows;
}

/** A month's first and last day, YYYY-MM-DD. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(lastDay).padStart(2, '0')}` };
}
