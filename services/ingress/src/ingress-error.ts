import { ServiceError } from '@rb/observability';

/**
 * ingress's one error base: a stable upper-snake-case `code` to branch on (never the message),
 * `retryable` (the same webhook may succeed later, so Retell's retry is welcome) and `cause`.
 * Expected outcomes (a duplicate, a bad signature) are return values, not errors.
 */
export class IngressError<Code extends string = string> extends ServiceError<Code> {}

export const isIngressError = (error: unknown): error is IngressError => error instanceof IngressError;
