import express from 'express';
import type { ErrorRequestHandler, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { requireBearer } from '@rb/observability';

/** Where the internal query API is mounted; each route's own path is its contract's route below it. */
export const INTERNAL_PREFIX = '/internal';

/**
 * booking's internal query API for live calls, under /internal: every route behind one bearer
 * check of QUERY_TOKENS (several while one is rotated), each route with its own small JSON body.
 */
export function internalRouter(tokens: readonly string[], routes: readonly Router[]): Router {
  const router = express.Router();
  router.use(requireBearer(tokens));
  for (const route of routes) router.use(route);
  return router;
}

/** A contract route (`/internal/…`) as a path below INTERNAL_PREFIX. */
export const below = (route: string): string => route.slice(INTERNAL_PREFIX.length);

/**
 * The middleware of one internal POST route: its JSON body (at most 4 kB), the handler, and a body
 * that is not JSON answered as an invalid query (`onNotJson` counts it); a body too large stays 413
 * (the app's fallback).
 */
export function jsonRoute(
  handler: RequestHandler,
  onNotJson: () => void = () => undefined,
): (RequestHandler | ErrorRequestHandler)[] {
  const notJson: ErrorRequestHandler = (error: Error & { type?: string }, _req, res, next) => {
    if (error.type !== 'entity.parse.failed') return next(error);
    onNotJson();
    res.status(400).json({ error: 'invalid_query', issues: [{ path: '', message: 'the body is not JSON' }] });
  };
  return [express.json({ limit: '4kb' }), handler, notJson];
}

/** A body that is not the contract's query: 400 `invalid_query` with every issue named. */
export function sendInvalidQuery(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: 'invalid_query',
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
