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
interface CallRow {
  state: CallState;
  company_id: string | null;
  branch_id: string | null;
  phone_number_id: string | null;
  customer_id: string | null;
}

function toStoredCall(row: CallRow): StoredCall {
  return {
    state: row.state,
    attribution: row.company_id
      ? { companyId: row.company_id, branchId: row.branch_id!, phoneNumberId: row.phone_number_id! }
      : null,
    customerId: row.customer_id,
  };
}

export async function appendAndLoad(sql: Sql, facts: CallEventFacts): Promise<StoredCall | undefined> {
  const [row] = await sql.query<CallRow>(
    `WITH appended AS (
       INSERT INTO call_events (call_id, event_id, stage, facts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING)
     SELECT state, company_id, branch_id, phone_number_id, customer_id FROM calls WHERE call_id = $1 FOR UPDATE`,
    [facts.callId, facts.eventId, facts.stage, JSON.stringify(facts)],
  );
  return row ? toStoredCall(row) : undefined;
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

/**
 * The chunk form of `appendAndLoad`: appends the events of several calls in one statement and
 * reads those calls that already exist (locked, in call id order).
 */
export async function appendAndLoadMany(sql: Sql, events: readonly CallEventFacts[]): Promise<Map<string, StoredCall>> {
  const callIds = [...new Set(events.map((f) => f.callId))].sort();
  const rows = await sql.query<CallRow & { call_id: string }>(
    `WITH appended AS (
       INSERT INTO call_events (call_id, event_id, stage, facts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING)
     SELECT call_id, state, company_id, branch_id, phone_number_id, customer_id
     FROM calls WHERE call_id = ANY($5::text[]) ORDER BY call_id FOR UPDATE`,
    [
      events.map((f) => f.callId),
      events.map((f) => f.eventId),
      events.map((f) => f.stage),
      events.map((f) => JSON.stringify(f)),
      callIds,
    ],
  );
  return new Map(rows.map((row) => [row.call_id, toStoredCall(row)]));
}

/** Recognises customers by (company, phone), creating the new ones, in one statement; key `company phone`. */
export async function upsertCustomers(
  sql: Sql,
  wanted: readonly { companyId: string; phone: string }[],
): Promise<Map<string, string>> {
  const unique = [...new Map(wanted.map((w) => [`${w.companyId} ${w.phone}`, w])).values()].sort((a, b) =>
    `${a.companyId} ${a.phone}`.localeCompare(`${b.companyId} ${b.phone}`),
  );
  if (unique.length === 0) return new Map();
  // sorted, so concurrent chunks lock the same customers in the same order; DO UPDATE for the
  // reason `saveCall` gives
  const rows = await sql.query<{ id: string; company_id: string; phone: string }>(
    `INSERT INTO customers (company_id, phone)
     SELECT * FROM unnest($1::uuid[], $2::text[])
     ON CONFLICT (company_id, phone) DO UPDATE SET phone = excluded.phone RETURNING id, company_id, phone`,
    [unique.map((w) => w.companyId), unique.map((w) => w.phone)],
  );
  return new Map(rows.map((r) => [`${r.company_id} ${r.phone}`, r.id]));
}

/**
 * The chunk form of `saveCall`, one row per call with its state after the chunk's events. The
 * transcript follows the same rule as event by event: the last analysed transcript wins, else the
 * stored one, else the first one the chunk brought.
 */
export async function saveCalls(
  sql: Sql,
  calls: readonly {
    state: CallState;
    attribution: TenantAttribution | null;
    customerId: string | null;
    analysedTranscript: string | undefined;
    firstTranscript: string | undefined;
  }[],
): Promise<void> {
  if (calls.length === 0) return;
  const sorted = [...calls].sort((a, b) => a.state.callId.localeCompare(b.state.callId));
  await sql.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[], $7::text[], $8::boolean[])
         AS i(call_id, company_id, branch_id, phone_number_id, customer_id, state, transcript, analysed))
     INSERT INTO calls (call_id, routing, company_id, branch_id, phone_number_id, customer_id, state, transcript)
     SELECT call_id, CASE WHEN company_id IS NULL THEN 'unrouted' ELSE 'routed' END, company_id, branch_id,
            phone_number_id, customer_id, state, transcript
     FROM input ORDER BY call_id
     ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, updated_at = now(),
       transcript = CASE WHEN (SELECT i.analysed FROM input i WHERE i.call_id = calls.call_id) THEN excluded.transcript
                         ELSE COALESCE(calls.transcript, excluded.transcript) END`,
    [
      sorted.map((c) => c.state.callId),
      sorted.map((c) => c.attribution?.companyId ?? null),
      sorted.map((c) => c.attribution?.branchId ?? null),
      sorted.map((c) => c.attribution?.phoneNumberId ?? null),
      sorted.map((c) => c.customerId),
      sorted.map((c) => JSON.stringify(c.state)),
      sorted.map((c) => c.analysedTranscript ?? c.firstTranscript ?? null),
      sorted.map((c) => c.analysedTranscript !== undefined),
    ],
  );
}
