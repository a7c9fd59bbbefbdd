import type { CommandRefusal } from '@rb/contracts';
import type { ChangeRefusal } from '../booking/change-booking';
import type { CalcomFailureKind } from '../calcom/calcom-errors';

/** Our own refusal of a change, as the caller's command is answered. */
const CHANGE_REFUSED: Record<Exclude<ChangeRefusal, 'booking_moved'>, CommandRefusal> = {
  booking_not_found: 'booking_not_found',
  booking_not_confirmed: 'booking_not_active',
  change_in_progress: 'change_in_progress',
  calcom_not_configured: 'calcom_not_configured',
  calcom_unavailable: 'calendar_unavailable',
};

/** `booking_moved` is handled by the use case (it asks once more); met twice, the booking is moving now. */
export function refusalOfChange(code: ChangeRefusal): CommandRefusal {
  return code === 'booking_moved' ? 'change_in_progress' : CHANGE_REFUSED[code];
}

/**
 * Cal.com refused to change a booking it holds as accepted. Cal.com has no code for "too late":
 * it answers 400 with a sentence (cancelling or rescheduling disabled for the event type, the
 * booking already over, an attendee inside the minimum reschedule notice), which calcom-errors.ts
 * classifies as `invalid_request`, or as `slot_unavailable` when the sentence is about time ("in
 * the past"). A cancel sends nothing but a reason and a reschedule only a start the contract
 * checked, so such a 400 is Cal.com's policy refusing the change this late, not a request of ours
 * it cannot read: the caller hears `cancellation_window_passed`. A taken or unbookable new start
 * of a reschedule is `slot_taken` with alternatives. An account Cal.com does not let us use
 * (credential, rights) is the business's to fix: `calendar_refused`. The booking gone from Cal.com
 * is no longer active. Retryable kinds never arrive here (changeBooking answers them as
 * calcom_unavailable); they are listed so that a new kind must be placed.
 */
const BOTH: Record<Exclude<CalcomFailureKind, 'slot_unavailable'>, CommandRefusal> = {
  invalid_request: 'cancellation_window_passed',
  unauthorized: 'calendar_refused',
  forbidden: 'calendar_refused',
  not_found: 'booking_not_active',
  conflict: 'change_in_progress',
  rate_limited: 'calendar_unavailable',
  server_error: 'calendar_unavailable',
  network_error: 'calendar_unavailable',
  timeout: 'calendar_unavailable',
  circuit_open: 'calendar_unavailable',
  overloaded: 'calendar_unavailable',
  cancelled: 'calendar_unavailable',
};

export const CANCEL_REFUSED: Record<CalcomFailureKind, CommandRefusal> = {
  ...BOTH,
  slot_unavailable: 'cancellation_window_passed',
};

export const RESCHEDULE_REFUSED: Record<CalcomFailureKind, CommandRefusal | 'slot_taken'> = {
  ...BOTH,
  slot_unavailable: 'slot_taken',
};
