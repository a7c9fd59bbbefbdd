import type { Sql } from '@rb/kafka-runner';
import type { RequestStatus } from '../booking/booking-requests';
import type { CallBooking } from './judge-claims';

/**
 * The bookings a call's claims may be about, at its company: every request of the call (post-call
 * intent or live command) and the ones its claims name by `bk_…` handle (a move or cancellation
 * of an older call's booking). The call's own first. In the consumer's transaction.
 */
export async function loadCallBookings(
  sql: Sql,
  companyId: string,
  callId: string,
  publicIds: readonly string[],
): Promise<CallBooking[]> {
  const rows = await sql.query<{
    public_id: string | null;
    call_id: string;
    status: RequestStatus;
    start_utc: Date | null;
    time_zone: string;
    service_name: string | null;
    leased: boolean;
  }>(
    `SELECT public_id, call_id, status, start_utc, time_zone, service_name,
       (status = 'pending' AND leased_until IS NOT NULL AND leased_until > now()) AS leased
     FROM booking_requests
     WHERE company_id = $1 AND (call_id = $2 OR public_id = ANY($3::text[]))
     ORDER BY (call_id = $2) DESC, created_at`,
    [companyId, callId, [...new Set(publicIds)]],
  );
  return rows.map((r) => ({
    publicId: r.public_id,
    callId: r.call_id,
    status: r.status,
    startUtc: r.start_utc?.toISOString() ?? null,
    timeZone: r.time_zone,
    serviceName: r.service_name,
    leased: r.leased,
  }));
}
