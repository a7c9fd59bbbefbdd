import { DateTime } from 'luxon';
import type { Appointment, Instant } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { RequestStatus } from '../booking/booking-requests';

/**
 * A caller's booking as booking_requests holds it, found only through the caller's digest at the
 * company (see caller-index.ts): another caller's booking and one that does not exist look alike.
 */
export interface CallerBooking {
  publicId: string;
  /** the booking in Cal.com now (a move gives it a new uid); null before one was made */
  calcomUid: string | null;
  status: RequestStatus;
  startUtc: Date;
  timeZone: string;
  durationMinutes: number | null;
  serviceName: string | null;
  eventTypeId: number | null;
  branchId: string;
}

/**
 * A service whose length was not recorded (a post-call request from before lengths were kept) is
 * read out as lasting this long: Cal.com's default event length. Only rows without the length use it.
 */
export const UNKNOWN_LENGTH_MINUTES = 30;

interface Row {
  public_id: string;
  calcom_uid: string | null;
  status: RequestStatus;
  start_utc: Date;
  time_zone: string;
  duration_minutes: number | null;
  service_name: string | null;
  event_type_id: number | null;
  branch_id: string;
}

const COLUMNS =
  'public_id, calcom_uid, status, start_utc, time_zone, duration_minutes, service_name, event_type_id, branch_id';

const fromRow = (row: Row): CallerBooking => ({
  publicId: row.public_id,
  calcomUid: row.calcom_uid,
  status: row.status,
  startUtc: row.start_utc,
  timeZone: row.time_zone,
  durationMinutes: row.duration_minutes,
  serviceName: row.service_name,
  eventTypeId: row.event_type_id,
  branchId: row.branch_id,
});

/** The booking with this handle at the company, if it is the caller's (`digest`); else undefined. */
export async function findCallerBooking(
  sql: Sql,
  where: { publicId: string; companyId: string; digest: string },
): Promise<CallerBooking | undefined> {
  const [row] = await sql.query<Row>(
    `SELECT ${COLUMNS} FROM booking_requests WHERE public_id = $1 AND company_id = $2 AND caller_digest = $3`,
    [where.publicId, where.companyId, where.digest],
  );
  return row && fromRow(row);
}

/**
 * The caller's confirmed bookings at the company that start after `now`, earliest first, at most
 * `limit`: one range read of the partial index booking_requests_caller.
 */
export async function upcomingCallerBookings(
  sql: Sql,
  where: { companyId: string; digest: string; now: Date; limit: number },
): Promise<CallerBooking[]> {
  const rows = await sql.query<Row>(
    `SELECT ${COLUMNS} FROM booking_requests
     WHERE company_id = $1 AND caller_digest = $2 AND status = 'confirmed' AND start_utc > $3
       AND public_id IS NOT NULL
     ORDER BY start_utc LIMIT $4`,
    [where.companyId, where.digest, where.now, where.limit],
  );
  return rows.map(fromRow);
}

/** A UTC instant as booking reports it: UTC, and the local time in `zone`. */
export function instantAt(utc: Date | string, zone: string): Instant {
  const t = typeof utc === 'string' ? DateTime.fromISO(utc, { zone: 'utc' }) : DateTime.fromJSDate(utc).toUTC();
  return {
    utc: t.toISO({ suppressMilliseconds: true })!,
    local: t.setZone(zone).toISO({ suppressMilliseconds: true, includeOffset: false })!,
    timeZone: zone,
  };
}

/**
 * A stored booking as the live call shows it. booking_requests does not keep whether Cal.com holds
 * it as pending (awaiting the business): a stored booking is shown as `accepted`.
 */
export function appointmentOf(booking: CallerBooking): Appointment {
  const minutes = booking.durationMinutes ?? UNKNOWN_LENGTH_MINUTES;
  return {
    bookingId: booking.publicId,
    start: instantAt(booking.startUtc, booking.timeZone),
    end: instantAt(new Date(booking.startUtc.getTime() + minutes * 60_000), booking.timeZone),
    serviceName: (booking.serviceName ?? '').slice(0, 200),
    status: 'accepted',
  };
}
