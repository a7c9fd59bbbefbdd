import { ServiceError } from '@rb/observability';

/**
 * booking's one error base. Code branches on `code` (stable, upper snake case, e.g.
 * `CALCOM_CIRCUIT_OPEN`, `INTENT_LEASED`), never on the message; `retryable` says whether the same
 * work may succeed later (a dependency that is down) or never will (a refused credential, a bug);
 * `cause` keeps what was caught. The consumer runner reads `code` into its dead-letter headers.
 * Expected outcomes ("the slot is taken") are return values, not errors.
 */
export class BookingError<Code extends string = string> extends ServiceError<Code> {}

export const isBookingError = (error: unknown): error is BookingError => error instanceof BookingError;
