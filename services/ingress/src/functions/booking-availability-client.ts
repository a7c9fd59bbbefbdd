import type { AvailabilityAnswer, AvailabilityQuery } from '@rb/contracts';
import { AVAILABILITY_QUERY_ROUTE, AvailabilityAnswerSchema } from '@rb/contracts';
import type { BookingQueryOptions, Unreachable } from './booking-query-http';
import { makeBookingQuery } from './booking-query-http';

/** booking's answer, or why there is none (booking-query-http.ts `Unreachable`). */
export type AvailabilityResult = AvailabilityAnswer | Unreachable;

/** The port the use case asks; the HTTP client below, or a fake in tests. */
export type AskAvailability = (query: AvailabilityQuery) => Promise<AvailabilityResult>;

export type BookingAvailabilityClientOptions = BookingQueryOptions;

/** HTTP statuses whose body is an answer of the contract (200 free/none_free, 422 refused, 503 unavailable). */
const ANSWER_STATUSES = new Set([200, 422, 503]);

/** Asks booking's internal availability query (`POST /internal/availability`) within a deadline; never throws. */
export function makeBookingAvailabilityClient(options: BookingAvailabilityClientOptions): AskAvailability {
  return makeBookingQuery<AvailabilityQuery, AvailabilityAnswer>(options, {
    path: AVAILABILITY_QUERY_ROUTE,
    answer: AvailabilityAnswerSchema,
    answerStatuses: ANSWER_STATUSES,
  });
}
