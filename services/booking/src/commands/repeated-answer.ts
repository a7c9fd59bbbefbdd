import type { BookingCommandV1, CommandResult } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { RequestStatus } from '../booking/booking-requests';

/**
 * A key's first answer, as a repeat of its command is answered now. A `booked` or `rescheduled`
 * answer is given again only while the booking it names still holds: confirmed, at the start the
 * answer told. Once the booking was cancelled or moved since (the caller cancelled it, the
 * business did, a later move), the same wish again would otherwise hear "booked" for a booking
 * that is no longer there: it is refused `booking_not_active` instead. It is not booked anew: the
 * key names the first booking's effect (its request row is settled, its outcome emitted), so a
 * new booking needs a new key. Any other answer is given again as it was.
 */
export async function repeatedAnswer(
  sql: Sql,
  command: BookingCommandV1,
  stored: CommandResult,
): Promise<CommandResult> {
  if (stored.kind !== 'booked' && stored.kind !== 'rescheduled') return stored;
  const { bookingId, start } = stored.appointment;
  const [row] = await sql.query<{ status: RequestStatus; start_utc: Date | null }>(
    'SELECT status, start_utc FROM booking_requests WHERE company_id = $1 AND public_id = $2',
    [command.attribution.companyId, bookingId],
  );
  if (row?.status === 'confirmed' && row.start_utc?.getTime() === Date.parse(start.utc)) return stored;
  const now = row ? (row.status === 'confirmed' ? 'moved to another time' : row.status) : 'gone';
  return { kind: 'refused', reason: 'booking_not_active', detail: `booking ${bookingId} is ${now} since` };
}
