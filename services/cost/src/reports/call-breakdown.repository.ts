import type { Sql } from '@rb/kafka-runner';

export interface EntryRow {
  revision: number;
  cause: string;
  kind: string;
  component: string;
  currency: string;
  amount: string;
  amount_eur: string;
  reseller_id: string | null;
  company_id: string | null;
  rate_date: string | null;
  usd_per_eur: string | null;
  wholesale_plan_id: string | null;
  retail_plan_id: string | null;
  twilio_rate_id: string | null;
  created_at: Date;
}

export interface CallStateRow {
  facts_company_id: string | null;
  known_facts: boolean;
  status: 'pending' | 'costed' | null;
  pending_reason: string | null;
  waiting_for: string | null;
  pending_since: Date | null;
  revision: number | null;
}

/** What cost knows of one call's costing: its facts' company, its costing state (either may be absent). */
export async function loadCallState(db: Sql, callId: string): Promise<CallStateRow> {
  const rows = await db.query<CallStateRow>(
    `SELECT f.company_id AS facts_company_id, f.call_id IS NOT NULL AS known_facts,
            c.status, c.pending_reason, c.waiting_for, c.pending_since, c.revision
       FROM (SELECT $1::text AS call_id) k
       LEFT JOIN call_facts f ON f.call_id = k.call_id
       LEFT JOIN call_costings c ON c.call_id = k.call_id`,
    [callId],
  );
  return rows[0]!;
}

/** A call's ledger entries in the order they were appended. */
export async function loadCallEntries(db: Sql, callId: string): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `SELECT revision, cause, kind, component, currency, amount::text AS amount, amount_eur::text AS amount_eur,
            reseller_id, company_id, to_char(rate_date, 'YYYY-MM-DD') AS rate_date, usd_per_eur::text AS usd_per_eur,
            wholesale_plan_id, retail_plan_id, twilio_rate_id, created_at
       FROM ledger_entries WHERE call_id = $1 ORDER BY id`,
    [callId],
  );
}
