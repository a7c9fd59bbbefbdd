import { ServiceError } from '@rb/observability';

/**
 * cost's one error base. Code branches on `code` (stable, upper snake case, e.g.
 * `COST_FACTS_INVALID`), never on the message; `retryable` says whether the same work may succeed
 * later or never will; `cause` keeps what was caught. The consumer runner reads `code` into its
 * dead-letter headers. Expected outcomes (a rate not published yet, a plan missing) are return
 * values — the call waits as `pending` — not errors.
 */
export class CostError<Code extends string = string> extends ServiceError<Code> {}

export const isCostError = (error: unknown): error is CostError => error instanceof CostError;
