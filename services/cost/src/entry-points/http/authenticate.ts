import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from '../../access/caller';

/**
 * Every route but health and metrics: the bearer token is one of the operator's admin tokens
 * (compared in constant time with each, both sides hashed first, as requireBearer does) or a live
 * reseller token (looked up by its sha256); the caller is kept in `res.locals.caller`. Anything
 * else: 401 with a challenge. The token is never logged.
 */
export function authenticate(
  adminTokens: readonly string[],
  resolveResellerToken: (token: string) => Promise<Caller | null>,
) {
  if (adminTokens.length === 0 || adminTokens.some((t) => t.length === 0))
    throw new Error('authenticate: no admin token');
  const expected = adminTokens.map(digest);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const given = digest(token);
    let operator = false;
    for (const candidate of expected) operator = timingSafeEqual(given, candidate) || operator;
    const caller: Caller | null = operator ? { kind: 'operator' } : token ? await resolveResellerToken(token) : null;
    if (!caller) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
    res.locals.caller = caller;
    next();
  };
}

/** The caller `authenticate` let through. */
export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

/** Routes for the operator only (re-costs, Twilio rates, reseller tokens): a reseller token gets 403. */
export function operatorOnly(_req: Request, res: Response, next: NextFunction): void {
  if (callerOf(res).kind === 'operator') return next();
  res.status(403).json({ error: 'forbidden', reason: 'this route is for the operator only' });
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
