import type { BookingOutcomeV1, EventEnvelope } from '@rb/contracts';
import type { RunnerError, Transactions } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { recordOutcome } from './booking-requests';
import type { OutcomeFraming } from './booking-outcomes';
import { cancelledOutcome, outcomeEvent } from './booking-outcomes';

export interface CompensationDeps extends OutcomeFraming {
  /** the compensation's own transaction (the consumer's could not commit) */
  transactions: Transactions;
  cache: RedisAvailabilityCache;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
}

/**
 * The saga's compensation: the booking exists in Cal.com but its outcome cannot be committed, so
 * it is cancelled there; then, if the database takes it, the cancellation is recorded and
 * emitted (cause `compensation`), so downstream hears how the intent ended.
 */
export async function undoBooking(
  confirmed: Extract<BookingOutcomeV1, { type: 'booking.confirmed.v1' }>,
  gateway: CalcomGateway,
  cause: RunnerError,
  envelope: EventEnvelope,
  deps: CompensationDeps,
): Promise<void> {
  await gateway.cancelBooking(
    confirmed.booking.uid,
    `Automatically cancelled: the booking could not be recorded (${cause.code})`,
  );
  const day = DateTime.fromISO(confirmed.booking.start.utc, { zone: 'utc' })
    .setZone(confirmed.booking.start.timeZone)
    .toISODate()!;
  await deps.cache.invalidate(confirmed.attribution.companyId, day);
  const cancelled = cancelledOutcome(confirmed, deps.clock(), confirmed.booking.uid, 'compensation');
  await deps.transactions(async (sql) => {
    await recordOutcome(sql, cancelled);
    await appendOutbox(sql, [outcomeEvent(cancelled, envelope, deps)]);
  });
  deps.onOutcome?.(cancelled);
}
