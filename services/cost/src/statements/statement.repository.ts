import type { Sql } from '@rb/kafka-runner';
import type { Plan } from '../costing/cost-inputs';
import type { PlanRow } from '../ledger/price-tables';
import { toPlan } from '../ledger/price-tables';
import { Exact } from '../money/exact';
import type { StatementCall } from './monthly-statement';

/** Which of a company's ledger entries a statement reads: its call days, and a reseller's own sales only. */
export interface StatementSelection {
  companyId: string;
  /** Berlin call days, both included */
  from: string;
  to: string;
  /** a reseller's view: only the entries it sold */
  resellerId: string | null;
}

/** A call of the statement with the currency of each of its retail lines. */
export type LoadedCall = StatementCall & { currencies: string[] };

interface CallRow {
  call_id: string;
  call_day: string;
  started_at: Date;
  connected_seconds: string;
  plan_id: string | null;
  lines: { component: string; currency: string; amount: string }[];
}

/**
 * The month's calls with their retail lines, each summed over its revisions (what the call costs
 * now), in one statement. The plan is the one the latest costing used; the instant is the call's
 * start (its end if it never connected, else its Berlin day). Calls without a retail line are not
 * billed and not listed.
 */
export async function loadStatementCalls(db: Sql, s: StatementSelection): Promise<LoadedCall[]> {
  const rows = await db.query<CallRow>(
    `WITH entries AS (
       SELECT * FROM ledger_entries
        WHERE company_id = $1 AND call_day BETWEEN $2::date AND $3::date AND kind IN ('retail', 'connected_seconds')
          AND ($4::uuid IS NULL OR reseller_id = $4::uuid)),
     calls AS (
       SELECT call_id, max(call_day) AS call_day,
              coalesce(sum(amount) FILTER (WHERE kind = 'connected_seconds'), 0) AS connected_seconds,
              (array_agg(retail_plan_id ORDER BY revision DESC, id DESC) FILTER (WHERE retail_plan_id IS NOT NULL))[1] AS plan_id
         FROM entries GROUP BY call_id),
     lines AS (
       SELECT call_id, json_agg(json_build_object('component', component, 'currency', currency, 'amount', amount::text)) AS lines
         FROM (SELECT call_id, component, currency, sum(amount) AS amount FROM entries WHERE kind = 'retail' GROUP BY 1, 2, 3 HAVING sum(amount) <> 0) l
        GROUP BY call_id)
     SELECT c.call_id, to_char(c.call_day, 'YYYY-MM-DD') AS call_day, c.connected_seconds::text AS connected_seconds,
            coalesce(f.started_at, f.ended_at, c.call_day::timestamp AT TIME ZONE 'Europe/Berlin') AS started_at,
            c.plan_id, l.lines
       FROM calls c JOIN lines l USING (call_id) LEFT JOIN call_facts f USING (call_id)
      ORDER BY c.call_id`,
    [s.companyId, s.from, s.to, s.resellerId],
  );
  return rows.flatMap((r) => (r.plan_id === null ? [] : [toLoadedCall({ ...r, plan_id: r.plan_id })]));
}

function toLoadedCall(r: CallRow & { plan_id: string }): LoadedCall {
  return {
    callId: r.call_id,
    callDay: r.call_day,
    startedAt: new Date(r.started_at),
    connectedSeconds: Number(Exact.parse(r.connected_seconds).roundTo(0)),
    planId: r.plan_id,
    lines: r.lines.map((l) => ({ component: l.component, amount: Exact.parse(l.amount) })),
    currencies: [...new Set(r.lines.map((l) => l.currency))],
  };
}

/**
 * The plans a statement needs, in its currency: those its calls were priced under, and the seller's
 * plans for the company (its own or the seller's default) in force at some time of the month, for
 * the monthly fee.
 */
export async function loadStatementPlans(
  db: Sql,
  p: { companyId: string; seller: string; currency: string; planIds: string[]; monthStart: Date; monthEnd: Date },
): Promise<Plan[]> {
  const rows = await db.query<PlanRow>(
    `SELECT * FROM plans
      WHERE currency = $6 AND (id = ANY($1::uuid[])
         OR (seller = $2 AND (buyer_kind = 'default' OR (buyer_kind = 'company' AND buyer_id = $3::uuid))
             AND valid_from < $5 AND (valid_until IS NULL OR valid_until > $4)))`,
    [p.planIds, p.seller, p.companyId, p.monthStart, p.monthEnd, p.currency],
  );
  return rows.map(toPlan);
}

/** The company's calls of the month still waiting to be costed (not billed yet): by their Berlin day. */
export async function countPendingCalls(db: Sql, s: StatementSelection): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM call_costings c JOIN call_facts f USING (call_id)
      WHERE c.status = 'pending' AND f.company_id = $1
        AND (coalesce(f.started_at, f.ended_at) AT TIME ZONE 'Europe/Berlin')::date BETWEEN $2::date AND $3::date`,
    [s.companyId, s.from, s.to],
  );
  return rows[0]?.n ?? 0;
}
