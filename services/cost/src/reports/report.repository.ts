import type { Sql } from '@rb/kafka-runner';
import type { Grouping, Period } from './report-request';

/** One group's sums for one period, as PostgreSQL's exact numeric text (never floats). */
export interface ReportSums {
  group_id: string | null;
  name: string | null;
  period_start: string;
  calls: string;
  connected_seconds: string;
  base_cost: string;
  wholesale: string;
  retail: string;
  /** retail of the calls sold through a reseller: the revenue the reseller margin is of */
  resold_retail: string;
  platform_profit: string;
  reseller_profit: string;
  confirmed_bookings: string;
  alternative_bookings: string;
}

export interface ReportSelection {
  by: Grouping;
  period: Period;
  from: string;
  to: string;
  companyId: string | null;
  resellerId: string | null;
  /** a reseller's token: only entries it sold, of companies that are its own now */
  onlyOfReseller: string | null;
}

const KEY: Record<Grouping, string> = {
  reseller: 'reseller_id',
  company: 'company_id',
  branch: 'branch_id',
  service: 'service_id',
  staff: 'staff_id',
};

const quantity = (kind: string) => `coalesce(sum(amount) FILTER (WHERE kind = '${kind}'), 0)::text`;
const euros = (kind: string, also = '') => `coalesce(sum(amount_eur) FILTER (WHERE kind = '${kind}'${also}), 0)::text`;

/**
 * The report's sums in one statement: the ledger's entries of the range summed by kind per group and
 * period (a call's entries sum to its current costing, adjustments included), the group's name from
 * the directory. Grouping key and period come from fixed lists; every value is a parameter.
 */
export async function reportSums(db: Sql, s: ReportSelection): Promise<ReportSums[]> {
  const params: unknown[] = [s.from, s.to];
  const where = ['call_day BETWEEN $1::date AND $2::date'];
  const param = (value: unknown) => `$${params.push(value)}::uuid`;
  if (s.companyId) where.push(`company_id = ${param(s.companyId)}`);
  if (s.resellerId) where.push(`reseller_id = ${param(s.resellerId)}`);
  if (s.onlyOfReseller) {
    const reseller = param(s.onlyOfReseller);
    where.push(`reseller_id = ${reseller}`);
    where.push(
      `company_id IN (SELECT id FROM directory_entities WHERE entity = 'company' AND reseller_id = ${reseller})`,
    );
  }
  return db.query<ReportSums>(
    `WITH sums AS (
       SELECT ${KEY[s.by]} AS group_id, date_trunc('${s.period}', call_day::timestamp)::date::text AS period_start,
              ${quantity('call')} AS calls, ${quantity('connected_seconds')} AS connected_seconds,
              ${euros('base_cost')} AS base_cost, ${euros('wholesale')} AS wholesale, ${euros('retail')} AS retail,
              ${euros('retail', ' AND reseller_id IS NOT NULL')} AS resold_retail,
              ${euros('platform_profit')} AS platform_profit, ${euros('reseller_profit')} AS reseller_profit,
              ${quantity('confirmed_bookings')} AS confirmed_bookings, ${quantity('alternative_bookings')} AS alternative_bookings
         FROM ledger_entries WHERE ${where.join(' AND ')}
        GROUP BY 1, 2)
     SELECT sums.*, d.name FROM sums LEFT JOIN directory_entities d ON d.id = sums.group_id
      ORDER BY period_start, d.name NULLS LAST, group_id NULLS LAST`,
    params,
  );
}
