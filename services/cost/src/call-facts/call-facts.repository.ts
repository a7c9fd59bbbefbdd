import type { RetellCallCost } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CallFacts } from '../costing/cost-inputs';

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
                -- a booking moved from one that took an offered alternative is still that alternative
                count(*) FILTER (WHERE confirmed AND NOT undone AND NOT moved AND (alternative OR EXISTS (
                  SELECT 1 FROM call_bookings o WHERE o.call_id = n.call_id AND o.moved_to = n.uid AND o.alternative)))
                  AS alternatives
           FROM call_bookings n WHERE call_id = f.call_id) b ON true
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
