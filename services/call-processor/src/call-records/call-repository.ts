import type { TenantAttribution } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CallEventFacts, CallState } from './call-state';

export interface StoredCall {
  state: CallState;
  attribution: TenantAttribution | null;
  customerId: string | null;
}

/**
 * The call record's statements on the hot path, two per event: append the event while reading
 * the call (locked), then write the call back with its customer. With the inbox claim and the
 * outbox insert that makes four per consumed event.
 */
export async function appendAndLoad(sql: Sql, facts: CallEventFacts): Promise<StoredCall | undefined> {
  const [row] = await sql.query<{
    state: CallState;
    company_id: string | null;
    branch_id: string | null;
    phone_number_id: string | null;
    customer_id: string | null;
  }>(
    `WITH appended AS (
       INSERT INTO call_events (call_id, event_id, stage, facts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING)
     SELECT state, company_id, branch_id, phone_number_id, customer_id FROM calls WHERE call_id = $1 FOR UPDATE`,
    [facts.callId, facts.eventId, facts.stage, JSON.stringify(facts)],
  );
  if (!row) return undefined;
  return {
    state: row.state,
    attribution: row.company_id
      ? { companyId: row.company_id, branchId: row.branch_id!, phoneNumberId: row.phone_number_id! }
      : null,
    customerId: row.customer_id,
  };
}

/**
 * Writes the call's new state. A newly routed call also recognises its customer by the caller's
 * number in the same statement (created when new); returns the customer id.
 */
export async function saveCall(
  sql: Sql,
  call: {
    state: CallState;
    attribution: TenantAttribution | null;
    customerPhone: string | null;
    isNew: boolean;
    /** kept from call_analyzed, else from the first event that has one */
    transcript: string | undefined;
    stage: CallEventFacts['stage'];
  },
): Promise<string | null> {
  const a = call.attribution;
  const [row] = await sql.query<{ customer_id: string | null }>(
    // DO UPDATE (not DO NOTHING + a read): a caller's second call, processed while the first
    // one's transaction is still open, then waits for it and gets the same customer id back; a
    // read in the same statement would not see the other transaction's row and leave it empty
    `WITH customer AS (
       INSERT INTO customers (company_id, phone) SELECT $2::uuid, $6::text WHERE $7 AND $2::uuid IS NOT NULL AND $6::text IS NOT NULL
       ON CONFLICT (company_id, phone) DO UPDATE SET phone = excluded.phone RETURNING id)
     INSERT INTO calls (call_id, routing, company_id, branch_id, phone_number_id, customer_id, state, transcript)
     VALUES ($1, CASE WHEN $2::uuid IS NULL THEN 'unrouted' ELSE 'routed' END, $2, $3, $4, (SELECT id FROM customer), $5, $8)
     ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, updated_at = now(),
       transcript = CASE WHEN $9 = 'analysed' OR calls.transcript IS NULL THEN COALESCE(excluded.transcript, calls.transcript)
                         ELSE calls.transcript END
     RETURNING customer_id`,
    [
      call.state.callId,
      a?.companyId ?? null,
      a?.branchId ?? null,
      a?.phoneNumberId ?? null,
      JSON.stringify(call.state),
      call.customerPhone,
      call.isNew,
      call.transcript ?? null,
      call.stage,
    ],
  );
  return row?.customer_id ?? null;
}

/** Every event of a call in the order it was stored (for the replay command). */
export async function loadCallEvents(sql: Sql, callId: string): Promise<CallEventFacts[]> {
  const rows = await sql.query<{ facts: CallEventFacts }>(
    'SELECT facts FROM call_events WHERE call_id = $1 ORDER BY received_at, event_id',
    [callId],
  );
  return rows.map((r) => r.facts);
}

export async function loadCallState(sql: Sql, callId: string): Promise<CallState | undefined> {
  const [row] = await sql.query<{ state: CallState }>('SELECT state FROM calls WHERE call_id = $1', [callId]);
  return row?.state;
}
