import type { Sql } from '@rb/kafka-runner';
import type { CallFactChange } from './call-fact-changes';

type Change<K extends CallFactChange['kind']> = Extract<CallFactChange, { kind: K }>;
export interface CallFactRecord {
  callId: string;
  change: CallFactChange;
}

/**
 * The facts of calls, as their events brought them: at most four statements for a whole chunk,
 * one per kind of fact. Each event type sets only the columns it knows, to the values it carries,
 * so redeliveries and any order of arrival leave the same row; within a chunk the later event of a
 * kind wins, as it would one statement after another. Bookings are a row per Cal.com uid whose
 * flags only ever turn on.
 */
export async function recordCallFacts(sql: Sql, records: readonly CallFactRecord[]): Promise<void> {
  const latest = <K extends 'ended' | 'analysed' | 'intent'>(kind: K) => {
    const byCall = new Map<string, Change<K>>();
    for (const r of records) if (r.change.kind === kind) byCall.set(r.callId, r.change as Change<K>);
    return byCall;
  };
  await recordEnded(sql, latest('ended'));
  await recordAnalysed(sql, latest('analysed'));
  await recordIntents(sql, latest('intent'));
  await recordBookings(sql, bookingFlags(records));
}

async function recordEnded(sql: Sql, ended: ReadonlyMap<string, Change<'ended'>>): Promise<void> {
  if (ended.size === 0) return;
  const rows = [...ended].map(([callId, c]) => [
    callId,
    c.attribution?.companyId ?? null,
    c.attribution?.branchId ?? null,
    c.attribution?.phoneNumberId ?? null,
    c.startedAt,
    c.endedAt,
    c.durationMs,
    c.direction,
    c.line?.numberKind ?? null,
    c.line?.numberType ?? null,
    c.twilioCallSid,
    c.retellCost ? JSON.stringify(c.retellCost) : null,
  ]);
  await sql.query(
    `INSERT INTO call_facts (call_id, company_id, branch_id, phone_number_id, started_at, ended_at, duration_ms,
                             direction, number_kind, number_type, twilio_call_sid, ended_cost, ended)
     SELECT *, true FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[],
                                $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[])
     ON CONFLICT (call_id) DO UPDATE SET ended = true,
       company_id = coalesce(excluded.company_id, call_facts.company_id),
       branch_id = coalesce(excluded.branch_id, call_facts.branch_id),
       phone_number_id = coalesce(excluded.phone_number_id, call_facts.phone_number_id),
       started_at = excluded.started_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
       direction = excluded.direction, number_kind = excluded.number_kind, number_type = excluded.number_type,
       twilio_call_sid = excluded.twilio_call_sid, ended_cost = excluded.ended_cost, updated_at = now()`,
    columns(rows, 12),
  );
}

async function recordAnalysed(sql: Sql, analysed: ReadonlyMap<string, Change<'analysed'>>): Promise<void> {
  if (analysed.size === 0) return;
  const rows = [...analysed].map(([callId, c]) => [
    callId,
    c.attribution?.companyId ?? null,
    c.attribution?.branchId ?? null,
    c.attribution?.phoneNumberId ?? null,
    c.retellCost ? JSON.stringify(c.retellCost) : null,
  ]);
  await sql.query(
    `INSERT INTO call_facts (call_id, company_id, branch_id, phone_number_id, analysed_cost)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::jsonb[])
     ON CONFLICT (call_id) DO UPDATE SET
       company_id = coalesce(excluded.company_id, call_facts.company_id),
       branch_id = coalesce(excluded.branch_id, call_facts.branch_id),
       phone_number_id = coalesce(excluded.phone_number_id, call_facts.phone_number_id),
       analysed_cost = coalesce(excluded.analysed_cost, call_facts.analysed_cost), updated_at = now()`,
    columns(rows, 5),
  );
}

async function recordIntents(sql: Sql, intents: ReadonlyMap<string, Change<'intent'>>): Promise<void> {
  if (intents.size === 0) return;
  const rows = [...intents].map(([callId, c]) => [callId, c.serviceId, c.staffId]);
  await sql.query(
    `INSERT INTO call_facts (call_id, service_id, staff_id) SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[])
     ON CONFLICT (call_id) DO UPDATE SET service_id = excluded.service_id, staff_id = excluded.staff_id, updated_at = now()`,
    columns(rows, 3),
  );
}

interface BookingFlags {
  confirmed: boolean;
  alternative: boolean;
  undone: boolean;
  moved: boolean;
  /** the booking a moved one became */
  movedTo: string | null;
}

/** Each booking's flags from the chunk's outcomes, OR-ed per (call, uid): one row each. */
function bookingFlags(records: readonly CallFactRecord[]): Map<string, [string, string, BookingFlags]> {
  const flags = new Map<string, [string, string, BookingFlags]>();
  const mark = (callId: string, uid: string, on: Partial<BookingFlags>) => {
    const key = JSON.stringify([callId, uid]);
    const row = flags.get(key) ?? [
      callId,
      uid,
      { confirmed: false, alternative: false, undone: false, moved: false, movedTo: null },
    ];
    const f = row[2];
    f.confirmed ||= !!on.confirmed;
    f.alternative ||= !!on.alternative;
    f.undone ||= !!on.undone;
    f.moved ||= !!on.moved;
    f.movedTo = on.movedTo ?? f.movedTo;
    flags.set(key, row);
  };
  for (const { callId, change: c } of records) {
    if (c.kind === 'booking_confirmed') mark(callId, c.uid, { confirmed: true, alternative: c.alternative });
    if (c.kind === 'booking_undone') mark(callId, c.uid, { undone: true });
    if (c.kind === 'booking_moved') {
      mark(callId, c.fromUid, { moved: true, movedTo: c.uid });
      mark(callId, c.uid, { confirmed: true });
    }
  }
  return flags;
}

async function recordBookings(sql: Sql, flags: ReadonlyMap<string, [string, string, BookingFlags]>): Promise<void> {
  if (flags.size === 0) return;
  const rows = [...flags.values()].map(([callId, uid, f]) => [
    callId,
    uid,
    f.confirmed,
    f.alternative,
    f.undone,
    f.moved,
    f.movedTo,
  ]);
  await sql.query(
    `INSERT INTO call_bookings (call_id, uid, confirmed, alternative, undone, moved, moved_to)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[], $5::bool[], $6::bool[], $7::text[])
     ON CONFLICT (call_id, uid) DO UPDATE SET confirmed = call_bookings.confirmed OR excluded.confirmed,
       alternative = call_bookings.alternative OR excluded.alternative,
       undone = call_bookings.undone OR excluded.undone, moved = call_bookings.moved OR excluded.moved,
       moved_to = coalesce(excluded.moved_to, call_bookings.moved_to)`,
    columns(rows, 7),
  );
}

/** Rows → one array per column, for unnest. */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((row) => row[i]));
}
