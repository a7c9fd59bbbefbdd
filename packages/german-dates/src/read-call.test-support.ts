import { DateTime } from 'luxon';
import { findAppointmentTime } from './extract-appointment-time';

type Reading = Parameters<typeof findAppointmentTime>[0];

/** For tests: a call's transcript read from the moment it started, as call-processor reads it. */
export const readCall = ({
  callStartedAt,
  timeZone,
  ...rest
}: Omit<Reading, 'today'> & Record<'callStartedAt' | 'timeZone', string>) =>
  findAppointmentTime({ ...rest, today: DateTime.fromISO(callStartedAt, { zone: timeZone }) });
