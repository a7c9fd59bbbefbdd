import type { AppointmentsAnswer, AppointmentsQuery } from '@rb/contracts';
import { APPOINTMENTS_QUERY_ROUTE, AppointmentsAnswerSchema } from '@rb/contracts';
import type { BookingQueryOptions, Unreachable } from './booking-query-http';
import { makeBookingQuery } from './booking-query-http';

/** The caller's upcoming bookings at the company, or why booking gave none. */
export type AppointmentsResult = ({ kind: 'found' } & AppointmentsAnswer) | Unreachable;

/** The port find_appointments (and a move to a spoken time) asks; the HTTP client below, or a fake in tests. */
export type FindAppointments = (query: AppointmentsQuery) => Promise<AppointmentsResult>;

const ANSWER_STATUSES = new Set([200]);

/** Asks booking's appointments query (`POST /internal/appointments`, the number in the body) within a deadline; never throws. */
export function makeBookingAppointmentsClient(options: BookingQueryOptions): FindAppointments {
  const ask = makeBookingQuery<AppointmentsQuery, AppointmentsAnswer>(options, {
    path: APPOINTMENTS_QUERY_ROUTE,
    answer: AppointmentsAnswerSchema,
    answerStatuses: ANSWER_STATUSES,
  });
  return async (query) => {
    const answer = await ask(query);
    return 'kind' in answer ? answer : { kind: 'found', ...answer };
  };
}
