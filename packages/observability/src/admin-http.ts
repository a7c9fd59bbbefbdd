import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';

/** Admin routes: a shared bearer token, compared in constant time; 401 with a challenge otherwise. */
export function requireBearer(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
  };
}

/**
 * The last two handlers of an admin API: 404 for unknown routes; 413 or 400 for bodies that
 * cannot be read; anything else is logged with its code and message only (a request body or a
 * database error's parameters can hold credentials or phone numbers) and answered 503.
 */
export function adminFallbacks(log: Logger) {
  return [
    (_req: Request, res: Response) => void res.status(404).json({ error: 'not_found' }),
    (error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
      if (error.type === 'entity.too.large') return void res.status(413).json({ error: 'payload_too_large' });
      if (typeof error.status === 'number' && error.status < 500)
        return void res.status(400).json({ error: 'unreadable_body' });
      log.error({ code: (error as { code?: unknown }).code, err: error.message }, 'unexpected error in the admin API');
      res.status(503).json({ error: 'temporarily_unavailable' });
    },
  ] as const;
}
