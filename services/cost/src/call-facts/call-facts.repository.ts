import type { RetellCallCost } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CallFacts } from '../costing/cost-inputs';
import type { CallFactChange } from './call-fact-changes';

/**
 * The facts of each call, as its events brought them. Each event type sets only the columns it
 * knows, to the values it carries, so redeliveries and any order of arrival leave the same row.
 * Bookings are a row per Cal.com uid with flags that only ever turn on.
 */
export async function recordCallFact(sql: Sql, callId: string, change: CallFactChange): Promise<void> {
  switch (change.kind) {
    case 'ended': {
      const a = change.attribution;
      await sql.query(
        `INSERT INTO call_facts (call_id, ended, company_id, branch_id, phone_number_id, started_at, ended_at, duration_ms,
                                 direction, number_kind, number_type, twilio_call_sid, ended_cost)
         VALUES ($1, true, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (call_id) DO UPDATE SET ended = true,
           company_id = coalesce(excluded.company_id, call_facts.company_id),
           branch_id = coalesce(excluded.branch_id, call_facts.branch_id),
           phone_number_id = coalesce(excluded.phone_number_id, call_facts.phone_number_id),
           started_at = excluded.started_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
           direction = excluded.direction, number_kind = excluded.number_kind, number_type = excluded.number_type,
           twilio_call_sid = excluded.twilio_call_sid, ended_cost = excluded.ended_cost, updated_at = now()`,
        [
          callId,
          a?.companyId ?? null,
          a?.branchId ?? null,
          a?.phoneNumberId ?? null,
          change.startedAt,
          change.endedAt,
          change.durationMs,
          change.direction,
          change.line?.numberKind ?? null,
          change.line?.numberType ?? null,
          change.twilioCallSid,
          change.retellCost ? JSON.stringify(change.retellCost) : null,
        ],
      );
      return;
    }
    case 'analysed': {
      const a = change.attribution;
      await sql.query(
        `INSERT INTO call_facts (call_id, company_id, branch_id, phone_number_id, analysed_cost) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (call_id) DO UPDATE SET
           company_id = coalesce(excluded.company_id, call_facts.company_id),
           branch_id = coalesce(excluded.branch_id, call_facts.branch_id),
           phone_number_id = coalesce(excluded.phone_number_id, call_facts.phone_number_id),
           analysed_cost = coalesce(excluded.analysed_cost, call_facts.analysed_cost), updated_at = now()`,
        [
          callId,
          a?.companyId ?? null,
          a?.branchId ?? null,
          a?.phoneNumberId ?? null,
          change.retellCost ? JSON.stringify(change.retellCost) : null,
        ],
      );
      return;
    }
    case 'intent':
      await sql.query(
        `INSERT INTO call_facts (call_id, service_id, staff_id) VALUES ($1, $2, $3)
         ON CONFLICT (call_id) DO UPDATE SET service_id = excluded.service_id, staff_id = excluded.staff_id, updated_at = now()`,
        [callId, change.serviceId, change.staffId],
      );
      return;
    case 'booking_confirmed':
      return markBooking(sql, callId, change.uid, { confirmed: true, alternative: change.alternative });
    case 'booking_undone':
      return markBooking(sql, callId, change.uid, { undone: true });
    case 'booking_moved':
      await markBooking(sql, callId, change.fromUid, { moved: true });
      return markBooking(sql, callId, change.uid, { confirmed: true });
    case 'none':
      return;
  }
}

type BookingFlags = Partial<Record<'confirmed' | 'alternative' | 'undone' | 'moved', boolean>>;

/** Flags only turn on (OR): the same outcome twice, or two outcomes in either order, agree. */
async function markBooking(sql: Sql, callId: string, uid: string, flags: BookingFlags): Promise<void> {
  await sql.query(
    `INSERT INTO call_bookings (call_id, uid, confirmed, alternative, undone, moved) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (call_id, uid) DO UPDATE SET confirmed = call_bookings.confirmed OR excluded.confirmed,
       alternative = call_bookings.alternative OR excluded.alternative,
       undone = call_bookings.undone OR excluded.undone, moved = call_bookings.moved OR excluded.moved`,
    [callId, uid, !!flags.confirmed, !!flags.alternative, !!flags.undone, !!flags.moved],
  );
}

interface FactsRow {
  call_id: string;
  ended: boolean;
  company_id: string | null;
  branch_id: string | null;
  phone_number_id: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  duration_ms: string | null;
  direction: CallFacts['direction'];
  number_kind: 'retell' | 'twilio_imported' | null;
  number_type: 'local' | 'mobile' | 'toll_free' | null;
  twilio_call_sid: string | null;
  ended_cost: RetellCallCost | null;
  analysed_cost: RetellCallCost | null;
  service_id: string | null;
  staff_id: string | null;
  confirmed: string;
  alternatives: string;
}

/** The facts of the calls that have ended (others cannot be costed yet), in one statement. */
export async function loadEndedCallFacts(sql: Sql, callIds: readonly string[]): Promise<Map<string, CallFacts>> {
  const rows = await sql.query<FactsRow>(
    `SELECT f.*, coalesce(b.confirmed, 0) AS confirmed, coalesce(b.alternatives, 0) AS alternatives
       FROM call_facts f
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE confirmed AND NOT undone AND NOT moved) AS confirmed,
                count(*) FILTER (WHERE confirmed AND alternative AND NOT undone AND NOT moved) AS alternatives
           FROM call_bookings WHERE call_id = f.call_id) b ON true
      WHERE f.call_id = ANY($1::text[]) AND f.ended`,
    [callIds],
  );
  return new Map(rows.map((r) => [r.call_id, toFacts(r)]));
}

function toFacts(r: FactsRow): CallFacts {
  return {
    callId: r.call_id,
    ended: r.ended,
    attribution:
      r.company_id && r.branch_id && r.phone_number_id
        ? { companyId: r.company_id, branchId: r.branch_id, phoneNumberId: r.phone_number_id }
        : null,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    direction: r.direction,
    line: r.number_kind ? { numberKind: r.number_kind, numberType: r.number_type } : null,
    twilioCallSid: r.twilio_call_sid,
    // Retell's latest figure wins: call_analyzed's when it brought one
    retellCost: r.analysed_cost ?? r.ended_cost,
    serviceId: r.service_id,
    staffId: r.staff_id,
    confirmedBookings: Number(r.confirmed),
    alternativeBookings: Number(r.alternatives),
  };
}
