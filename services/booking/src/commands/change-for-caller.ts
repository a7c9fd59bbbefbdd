import type { CancelRequestedV1, CommandRefusal, CommandResult, RescheduleRequestedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CallerBooking } from '../appointments/caller-bookings';
import { appointmentOf, findCallerBooking, instantAt } from '../appointments/caller-bookings';
import { callerDigest } from '../appointments/caller-index';
import type { BookingChange, ChangeBookingDeps, ChangeResult } from '../booking/change-booking';
import { changeBooking } from '../booking/change-booking';
import { slotTakenAnswer } from './change-for-caller-alternatives';
import { CANCEL_REFUSED, refusalOfChange, RESCHEDULE_REFUSED } from './change-for-caller-refusals';

export interface ChangeForCallerDeps extends ChangeBookingDeps {
  /** statements outside a transaction: the booking's row, the branch and account for alternatives */
  db: Sql;
  /** CALLER_INDEX_KEY: the key of the caller digest the bookings were stored under */
  callerKey: Buffer | undefined;
  /** days after a taken wish that alternatives may come from */
  searchWindowDays: number;
  alternativesCount: number;
}

export type CallerChange = RescheduleRequestedV1 | CancelRequestedV1;

/** What Cal.com is told when the caller gives no reason (the business reads it). */
const DEFAULT_REASON = { cancel: 'Vom Anrufer telefonisch abgesagt', reschedule: 'Vom Anrufer telefonisch verschoben' };

/**
 * The caller moves or cancels one of their bookings during the call (reschedule_appointment,
 * cancel_appointment). Only a booking made for the caller's number at the same company can be
 * changed; anyone else's is answered exactly as one that does not exist. The change itself is
 * `changeBooking` (Cal.com first, then the outcome recorded and emitted in one transaction),
 * preceded by `beforeChange` once the booking proved the caller's and active (never for a refusal); a
 * command redelivered after that transaction committed finds the booking already changed and is
 * answered as if it had just been done. Unexpected failures throw (the command is retried).
 */
export function makeChangeForCaller(
  deps: ChangeForCallerDeps,
): (command: CallerChange, beforeChange?: () => Promise<void>) => Promise<CommandResult> {
  return async (command, beforeChange) => {
    const phone = command.caller.phone;
    const digest = phone === null ? undefined : callerDigest(deps.callerKey, command.attribution.companyId, phone);
    if (!digest) return refused('caller_unknown', 'the call has no usable caller number');
    const where = { publicId: command.bookingId, companyId: command.attribution.companyId, digest };
    let booking = await findCallerBooking(deps.db, where);
    // one more round when an earlier, unrecorded change had moved it: that move is recorded now
    for (let round = 0; round < 2; round++) {
      if (!booking) return refused('booking_not_found', `no booking ${command.bookingId} of this caller`);
      const done = alreadyDone(command, booking);
      if (done) return done;
      if (booking.status !== 'confirmed' || !booking.calcomUid) {
        return refused('booking_not_active', `booking ${command.bookingId} is ${booking.status}`);
      }
      // the caller's own, active booking: it changes now (the live command claims its call here)
      await beforeChange?.();
      const result = await changeBooking(deps, booking.calcomUid, changeOf(command));
      if (result.kind === 'refused' && result.code === 'booking_moved') {
        booking = await findCallerBooking(deps.db, where);
        continue;
      }
      return answerOf(deps, command, booking, result);
    }
    return refused('change_in_progress', `booking ${command.bookingId} was moved meanwhile: ask again`);
  };
}

/** The change was made before (a redelivery after a crash, the same wish again): its answer. */
function alreadyDone(command: CallerChange, booking: CallerBooking): CommandResult | undefined {
  if (command.type === 'booking.cancel-requested.v1' && booking.status === 'cancelled') {
    return { kind: 'cancelled', bookingId: booking.publicId, start: instantAt(booking.startUtc, booking.timeZone) };
  }
  if (
    command.type === 'booking.reschedule-requested.v1' &&
    booking.status === 'confirmed' &&
    Date.parse(command.newStart.utc) === booking.startUtc.getTime()
  ) {
    return { kind: 'rescheduled', appointment: appointmentOf(booking) };
  }
  return undefined;
}

function changeOf(command: CallerChange): BookingChange {
  return command.type === 'booking.cancel-requested.v1'
    ? { kind: 'cancel', reason: command.reason ?? DEFAULT_REASON.cancel, cause: 'caller' }
    : { kind: 'reschedule', startUtc: command.newStart.utc, reason: command.reason ?? DEFAULT_REASON.reschedule };
}

async function answerOf(
  deps: ChangeForCallerDeps,
  command: CallerChange,
  booking: CallerBooking,
  result: ChangeResult,
): Promise<CommandResult> {
  switch (result.kind) {
    case 'changed': {
      const outcome = result.outcome;
      if (outcome.type === 'booking.rescheduled.v1') {
        const { start, end, status } = outcome.booking;
        const serviceName = appointmentOf(booking).serviceName;
        return { kind: 'rescheduled', appointment: { bookingId: booking.publicId, start, end, serviceName, status } };
      }
      return { kind: 'cancelled', bookingId: booking.publicId, start: instantAt(booking.startUtc, booking.timeZone) };
    }
    case 'refused':
      return refused(refusalOfChange(result.code), result.detail);
    case 'calcom_refused': {
      if (command.type === 'booking.cancel-requested.v1') return refused(CANCEL_REFUSED[result.failure], result.detail);
      const refusal = RESCHEDULE_REFUSED[result.failure];
      if (refusal === 'slot_taken') return slotTakenAnswer(deps, booking, command.newStart.utc);
      return refused(refusal, result.detail);
    }
  }
}

function refused(reason: CommandRefusal, detail: string): CommandResult {
  return { kind: 'refused', reason, detail: detail.slice(0, 500) };
}
