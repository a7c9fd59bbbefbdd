import type { AppointmentTime, Language } from '@rb/german-dates';
import { findAppointmentTime } from '@rb/german-dates';
import { DateTime } from 'luxon';
import { CallProcessorError } from '../call-processor-error';

/**
 * The appointment a call's transcript settles on, read by @rb/german-dates from the day the call
 * started in the branch's zone. A start that is no time is a permanent `CALL_START_INVALID`.
 */
export function extractAppointmentTime(input: {
  transcript: string;
  callStartedAt: string;
  timeZone: string;
  /** the call's language; detected from the transcript when not given */
  language?: Language;
}): AppointmentTime {
  const today = DateTime.fromISO(input.callStartedAt, { zone: input.timeZone });
  if (!today.isValid)
    throw new CallProcessorError(
      'CALL_START_INVALID',
      `callStartedAt ${input.callStartedAt} in ${input.timeZone} is not a valid time`,
    );
  return findAppointmentTime({ transcript: input.transcript, today, language: input.language });
}
