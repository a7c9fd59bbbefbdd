/**
 * What every service's one error base extends (`IngressError`, `CallProcessorError`,
 * `BookingError`): a stable upper-snake-case `code` to branch on (never the message), `retryable`
 * (the same work may succeed later, or never will) and `cause` (what was caught). The name is the
 * subclass's, so logs say which error it was. Expected outcomes are return values, not errors.
 */
export class ServiceError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
