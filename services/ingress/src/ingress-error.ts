/**
 * ingress's one error base: a stable upper-snake-case `code` to branch on (never the message),
 * `retryable` (the same webhook may succeed later, so Retell's retry is welcome) and `cause`.
 * Expected outcomes (a duplicate, a bad signature) are return values, not errors.
 */
export class IngressError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
  }
}

export const isIngressError = (error: unknown): error is IngressError => error instanceof IngressError;
