import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';

/**
 * Admin routes: a bearer token, one of `tokens` (several while a token is rotated: the new one is
 * added, the clients move to it, the old one goes), compared in constant time with each of them;
 * 401 with a challenge otherwise. Both sides are hashed first, so neither the tokens' lengths nor
 * which of them matched shows in the time taken. The token is never logged.
 */
export function requireBearer(tokens: readonly string[]) {
  if (tokens.length === 0 || tokens.some((t) => t.length === 0)) throw new Error('requireBearer: no admin token');
  const expected = tokens.map(digest);
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = digest(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    let matched = false;
    for (const token of expected) matched = timingSafeEqual(given, token) || matched;
    if (matched) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
  };
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

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
