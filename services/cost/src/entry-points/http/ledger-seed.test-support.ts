import type { ApiHarness } from './cost-api.test-support';

/** Test support only: directory rows and ledger entries written straight with SQL, as the consumers would. */
export async function seedEntity(
  api: ApiHarness,
  e: { id: string; entity: string; name: string; companyId?: string; resellerId?: string | null; currency?: string },
): Promise<void> {
  await api.sql(
    `INSERT INTO directory_entities (id, entity, company_id, reseller_id, name, billing_currency, active, version, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, true, 1, now())`,
    [e.id, e.entity, e.companyId ?? null, e.resellerId ?? null, e.name, e.currency ?? null],
  );
}

export interface SeedCall {
  callId: string;
  callDay: string;
  companyId: string;
  resellerId: string | null;
  branchId?: string | null;
  serviceId?: string | null;
  staffId?: string | null;
  wholesalePlanId?: string | null;
  retailPlanId?: string | null;
}

/** [kind, component, currency, amount, amountEur]; quantities have currency '' and amountEur = amount. */
export type SeedLine = [kind: string, component: string, currency: string, amount: string, amountEur?: string];

/** Appends one revision's entries of a call (revision 1 is its first costing, later ones adjustments). */
export async function seedEntries(
  api: ApiHarness,
  call: SeedCall,
  revision: number,
  cause: string,
  lines: SeedLine[],
): Promise<void> {
  for (const [kind, component, currency, amount, amountEur] of lines) {
    await api.sql(
      `INSERT INTO ledger_entries (call_id, revision, cause, kind, component, currency, amount, amount_eur, company_id,
         reseller_id, branch_id, service_id, staff_id, call_day, rate_date, usd_per_eur, wholesale_plan_id, retail_plan_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        call.callId,
        revision,
        cause,
        kind,
        component,
        currency,
        amount,
        amountEur ?? amount,
        call.companyId,
        call.resellerId,
        call.branchId ?? null,
        call.serviceId ?? null,
        call.staffId ?? null,
        call.callDay,
        currency === 'USD' ? call.callDay : null,
        currency === 'USD' ? '1.0705' : null,
        call.wholesalePlanId ?? null,
        call.retailPlanId ?? null,
      ],
    );
  }
}

/** The call's costing state as the costing use case leaves it. */
export async function seedCosting(
  api: ApiHarness,
  callId: string,
  state:
    { status: 'costed'; revision: number } | { status: 'pending'; reason: string; waitingFor: string; since: string },
): Promise<void> {
  await api.sql(
    `INSERT INTO call_costings (call_id, status, pending_reason, waiting_for, pending_since, revision, pins, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
    state.status === 'costed'
      ? [callId, 'costed', null, null, null, state.revision, '{}']
      : [callId, 'pending', state.reason, state.waitingFor, state.since, 0, null],
  );
}

/** A call's facts as the consumers keep them (only what the API reads: company and times). */
export async function seedFacts(
  api: ApiHarness,
  callId: string,
  facts: { companyId: string; startedAt: string | null; endedAt?: string | null },
): Promise<void> {
  await api.sql(
    `INSERT INTO call_facts (call_id, ended, company_id, started_at, ended_at) VALUES ($1, true, $2, $3, $4)`,
    [callId, facts.companyId, facts.startedAt, facts.endedAt ?? facts.startedAt],
  );
}
