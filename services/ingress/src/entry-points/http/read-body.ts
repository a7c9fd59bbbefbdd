import type { NextFunction, Request, Response } from 'express';
import { IngressError } from '../../ingress-error';

const FIRST_ALLOCATION = 64 * 1024;

/** What the reader leaves on `res.locals.body`: the bytes, and the same bytes behind `headroom` free bytes. */
export interface BodyWithHeadroom {
  /** the body exactly as received */
  raw: Buffer;
  /** `headroom` writable bytes, then the body: one buffer the caller may frame in place */
  withHeadroom: Buffer;
}

type BodyProblem = 'entity.too.large' | 'request.aborted' | 'encoding.unsupported' | 'request.size.invalid';
const CODE_OF = {
  'entity.too.large': 'BODY_TOO_LARGE',
  'request.aborted': 'BODY_ABORTED',
  'encoding.unsupported': 'BODY_ENCODING_UNSUPPORTED',
  'request.size.invalid': 'BODY_SIZE_INVALID',
} as const;

/**
 * A body that cannot be read. It keeps the shape of body-parser's errors (`status`, `type`), which
 * the app's error handler also receives from express, and adds the stable code of every ingress error.
 */
export class BodyReadError extends IngressError<(typeof CODE_OF)[BodyProblem]> {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly type: BodyProblem,
    message: string,
    readonly limit?: number,
  ) {
    // the same bytes cannot become readable; only 'request.aborted' may go through on a new request
    super(CODE_OF[type], message, { retryable: type === 'request.aborted' });
  }
}

/**
 * Reads the raw body into one buffer that starts with `headroom` spare bytes, so the body can be
 * sent on framed (registry header + bytes) without a second copy: under load every copy of a
 * webhook that waits for the broker's answer is memory the garbage collector frees late.
 * With a Content-Length (what Retell sends) the buffer is allocated once at its final size.
 * Bodies over `limit` → 413, compressed bodies → 415 (the signature covers the bytes as sent and
 * Retell does not compress), a connection that breaks mid-body → 400.
 */
export function readBodyWithHeadroom(limit: number, headroom: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      discard(req);
      next(new BodyReadError(415, 'encoding.unsupported', `content-encoding ${encoding} is not accepted`));
      return;
    }
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) {
      discard(req);
      next(new BodyReadError(400, 'request.size.invalid', 'content-length is not a byte count'));
      return;
    }
    if (declared !== undefined && declared > limit) {
      discard(req);
      next(new BodyReadError(413, 'entity.too.large', `body larger than ${limit} bytes`, limit));
      return;
    }

    // sized by the declared length only up to 64 KiB before any byte came: a client that declares
    // 2 MB and sends nothing must not make us reserve 2 MB (Retell's bodies fit in one go)
    let buffer = Buffer.allocUnsafe(headroom + Math.min(declared ?? 0, FIRST_ALLOCATION));
    let length = 0;
    let failed = false;
    const fail = (error: BodyReadError): void => {
      if (failed) return;
      failed = true;
      cleanup();
      discard(req);
      next(error);
    };
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      if (length + chunk.length > limit) {
        fail(new BodyReadError(413, 'entity.too.large', `body larger than ${limit} bytes`, limit));
        return;
      }
      if (headroom + length + chunk.length > buffer.length) {
        // past the first allocation: to the declared length once bytes arrive; without one (or
        // with a wrong one), by doubling, within the limit
        const wanted = declared !== undefined && declared >= length + chunk.length ? declared : 2 * length;
        const grown = Buffer.allocUnsafe(headroom + Math.min(limit, Math.max(wanted, length + chunk.length, 16_384)));
        buffer.copy(grown, 0, 0, headroom + length);
        buffer = grown;
      }
      chunk.copy(buffer, headroom + length);
      length += chunk.length;
    };
    const onEnd = (): void => {
      if (failed) return;
      cleanup();
      const withHeadroom = buffer.length === headroom + length ? buffer : buffer.subarray(0, headroom + length);
      const body: BodyWithHeadroom = { raw: withHeadroom.subarray(headroom), withHeadroom };
      res.locals.body = body;
      next();
    };
    const onAborted = (): void => fail(new BodyReadError(400, 'request.aborted', 'the request ended before its body'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  };
}

/** Lets the rest of a refused body flow into nothing, so the answer can still be read by the client. */
function discard(req: Request): void {
  req.resume();
}
