import type { AppointmentsAnswer, AppointmentsQuery } from '@rb/contracts';
import { APPOINTMENTS_MAX } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { appointmentOf, upcomingCallerBookings } from './caller-bookings';
import { callerDigest } from './caller-index';

export interface FindAppointmentsDeps {
  /** statements outside a transaction (the query pool the availability questions use): one read */
  db: Sql;
  clock: () => Date;
  /** CALLER_INDEX_KEY: the key of the caller digest the bookings were stored under */
  callerKey: Buffer | undefined;
}

/**
 * Retell's find_appointments: the caller's upcoming bookings at the company, the ones booking made
 * and still holds as confirmed, earliest first, at most APPOINTMENTS_MAX. Found by the keyed
 * digest of (company, number), so the number is written any way the caller's line gives it and
 * is never stored. A number with no digits has no bookings.
 */
export async function findAppointments(
  deps: FindAppointmentsDeps,
  query: AppointmentsQuery,
): Promise<AppointmentsAnswer> {
  const digest = callerDigest(deps.callerKey, query.companyId, query.callerPhone);
  if (!digest) return { appointments: [] };
  const bookings = await upcomingCallerBookings(deps.db, {
    companyId: query.companyId,
    digest,
    now: deps.clock(),
    limit: APPOINTMENTS_MAX,
  });
  return { appointments: bookings.map(appointmentOf) };
}

/** `findAppointments` over its dependencies, as the HTTP route takes it. */
export function makeFindAppointments(
  deps: FindAppointmentsDeps,
): (query: AppointmentsQuery) => Promise<AppointmentsAnswer> {
  return (query) => findAppointments(deps, query);
}
