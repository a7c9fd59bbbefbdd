import type { CallLine, TenantAttribution } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CallEventFacts, CallState } from './call-state';

export interface StoredCall {
  state: CallState;
  attribution: TenantAttribution | null;
  /** the line as the call was routed; null when unrouted or routed before calls kept it */
  line: CallLine | null;
  customerId: string | null;
  /** its customer's number (how the customer was recognised); null without a customer */
  customerPhone: string | null;
}

/**
 * The call record's statements on the hot path, two for any number of events of a partition:
 * append the events while reading their calls (locked), then write each call back once,
 * recognising new calls' customers and storing the names their intents brought in the same
 * statement. With the inbox claim and the outbox insert that makes four for a single event.
 */
interface CallRow {
  state: CallState;
  company_id: string | null;
  branch_id: string | null;
  phone_number_id: string | null;
  customer_id: string | null;
  customer_phone: string | null;
  number_kind: CallLine['numberKind'] | null;
  number_type: CallLine['numberType'];
}

function toStoredCall(row: CallRow): StoredCall {
  return {
    state: row.state,
    attribution: row.company_id
      ? { companyId: row.company_id, branchId: row.branch_id!, phoneNumberId: row.phone_number_id! }
      : null,
    line: row.number_kind ? { numberKind: row.number_kind, numberType: row.number_type } : null,
    customerId: row.customer_id,
    customerPhone: row.customer_phone,
  };
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
 * Appends the events of one or more calls in one statement and reads those calls that already
 * exist (locked, in call id order).
 */
export async function appendAndLoad(sql: Sql, events: readonly CallEventFacts[]): Promise<Map<string, StoredCall>> {
  const callIds = [...new Set(events.map((f) => f.callId))].sort();
  const rows = await sql.query<CallRow & { call_id: string }>(
    `WITH appended AS (
       INSERT INTO call_events (call_id, event_id, stage, facts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING)
     SELECT call_id, state, company_id, branch_id, phone_number_id, customer_id, number_kind, number_type,
            (SELECT cu.phone FROM customers cu WHERE cu.id = calls.customer_id) AS customer_phone
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

export interface CallToSave {
  state: CallState;
  attribution: TenantAttribution | null;
  /** the line a new routed call was routed on (written with the call's first row only) */
  line: CallLine | null;
  /**
   * the number that recognises the call's customer (created when new): a call new to the database
   * has its caller's; a stored call has its customer's only when it brings a name to remember
   */
  customerPhone: string | null;
  /** the name the call's latest booking intent carries: it replaces the customer's; null keeps it */
  customerName: string | null;
  /** that intent's event's place among the events in hand: of two calls of one customer, the later name wins */
  namedAt: number | null;
  /** the last transcript a call_analyzed brought, if any (it wins) */
  analysedTranscript: string | undefined;
  /** else the first transcript any event brought (kept only when the call has none yet) */
  firstTranscript: string | undefined;
}

/**
 * Writes each call once, with its state after the events, in one statement: a new routed call
 * also recognises its customer by (company, caller's number) and keeps its line, and a customer
 * takes the name a call's booking intent brought (the latest of the chunk; no name keeps the one
 * it has). Returns each call's customer id.
 * Customers are written in (company, phone) order and calls in call id order, so concurrent
 * chunks lock them in the same order. The customer upsert is DO UPDATE (not DO NOTHING and a
 * read): a caller's second call, processed while the first one's transaction is still open, then
 * waits for it and gets the same customer id back; a read would not see the other transaction's
 * row and leave it empty.
 */
export async function saveCalls(sql: Sql, calls: readonly CallToSave[]): Promise<Map<string, string | null>> {
  if (calls.length === 0) return new Map();
  const sorted = [...calls].sort((a, b) => a.state.callId.localeCompare(b.state.callId));
  const rows = await sql.query<{ call_id: string; customer_id: string | null }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::jsonb[], $7::text[], $8::boolean[],
                            $9::text[], $10::text[], $11::text[], $12::int[])
         AS i(call_id, company_id, branch_id, phone_number_id, customer_phone, state, transcript, analysed, number_kind,
              number_type, customer_name, named_at)),
     customer AS (
       INSERT INTO customers (company_id, phone, name)
       SELECT DISTINCT ON (company_id, customer_phone) company_id, customer_phone, customer_name FROM input
       WHERE company_id IS NOT NULL AND customer_phone IS NOT NULL
       ORDER BY company_id, customer_phone, named_at DESC NULLS LAST
       ON CONFLICT (company_id, phone) DO UPDATE SET name = COALESCE(excluded.name, customers.name)
       RETURNING id, company_id, phone)
     INSERT INTO calls (call_id, routing, company_id, branch_id, phone_number_id, customer_id, state, transcript,
                        number_kind, number_type)
     SELECT i.call_id, CASE WHEN i.company_id IS NULL THEN 'unrouted' ELSE 'routed' END, i.company_id, i.branch_id,
            i.phone_number_id,
            (SELECT c.id FROM customer c WHERE c.company_id = i.company_id AND c.phone = i.customer_phone),
            i.state, i.transcript, i.number_kind, i.number_type
     FROM input i ORDER BY i.call_id
     ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, updated_at = now(),
       transcript = CASE WHEN (SELECT i.analysed FROM input i WHERE i.call_id = calls.call_id) THEN excluded.transcript
                         ELSE COALESCE(calls.transcript, excluded.transcript) END
     RETURNING call_id, customer_id`,
    [
      sorted.map((c) => c.state.callId),
      sorted.map((c) => c.attribution?.companyId ?? null),
      sorted.map((c) => c.attribution?.branchId ?? null),
      sorted.map((c) => c.attribution?.phoneNumberId ?? null),
      sorted.map((c) => c.customerPhone),
      sorted.map((c) => JSON.stringify(c.state)),
      sorted.map((c) => c.analysedTranscript ?? c.firstTranscript ?? null),
      sorted.map((c) => c.analysedTranscript !== undefined),
      sorted.map((c) => c.line?.numberKind ?? null),
      sorted.map((c) => c.line?.numberType ?? null),
      sorted.map((c) => c.customerName),
      sorted.map((c) => c.namedAt),
    ],
  );
  return new Map(rows.map((r) => [r.call_id, r.customer_id]));
}
