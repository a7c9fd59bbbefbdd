import { ServiceError } from '@rb/observability';

/**
 * call-processor's one error base. Code branches on `code` (stable, upper snake case, e.g.
 * `CALL_START_INVALID`), never on the message; `retryable` says whether the same work may succeed
 * later or never will; `cause` keeps what was caught. The consumer runner reads `code` into its
 * dead-letter headers. Expected outcomes (an unknown number, a call without a wish) are return
 * values, not errors; a message that cannot be read is the kit's PoisonMessageError.
 */
export class CallProcessorError<Code extends string = string> extends ServiceError<Code> {}

export const isCallProcessorError = (error: unknown): error is CallProcessorError =>
  error instanceof CallProcessorError;
