import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { rateLimitedWarn } from '@rb/observability';
import type { FunctionCallOutcome, FunctionCallRequest } from '../../functions/answer-function-call';
import { functionNameOf } from '../../functions/answer-function-call';
import type { IngressMetrics } from '../../ingress-metrics';
import type { BodyWithHeadroom } from './read-body';
import { readBodyWithHeadroom } from './read-body';

/** Retell's custom functions (tools) during a live call: `check_availability`, later book/cancel/move. */
export const FUNCTION_ROUTE = '/webhooks/retell/functions/:name';

export interface FunctionCallRouteDeps {
  answerFunctionCall: (request: FunctionCallRequest) => Promise<FunctionCallOutcome>;
  /** the default payload carries the live call with its transcript so far: as large as a webhook */
  maxBodyBytes: number;
  metrics: IngressMetrics;
  warn: ReturnType<typeof rateLimitedWarn>;
}

/** Where the route leaves the requested function's name (bounded) for the app's error handler. */
export const FUNCTION_NAME_LOCAL = 'functionName';

/** The requested function's name as the app's error handler counts a failure under. */
export function failedFunctionName(res: Response): string | undefined {
  const name: unknown = res.locals[FUNCTION_NAME_LOCAL];
  return typeof name === 'string' ? name : undefined;
}

/**
 * Thin adapter: raw bytes and the tenant hint in, the use case, its outcome out. Every answer is a
 * 200 the LLM can read, except a bad signature (401: not Retell) and a body over the limit (413,
 * by the body reader). Counted by function and outcome; timed by function. An unexpected failure
 * goes to the app's error handler (503), which counts it under the function's name left here.
 */
export function functionCallRoute(deps: FunctionCallRouteDeps): RequestHandler[] {
  const nameIt = (req: Request, res: Response, next: NextFunction) => {
    res.locals[FUNCTION_NAME_LOCAL] = functionNameOf(String(req.params.name));
    next();
  };
  const handle = async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const branchId = typeof req.query.branch_id === 'string' ? req.query.branch_id : req.get('x-branch-id');
    const outcome = await deps.answerFunctionCall({
      name: String(req.params.name),
      rawBody: (res.locals.body as BodyWithHeadroom).raw,
      signature: req.get('x-retell-signature'),
      branchId: branchId?.trim() || undefined,
    });
    const { name } = outcome;
    // counted and timed before the answer goes out, so whoever reads it sees the metrics too
    deps.metrics.functionCalls.inc({ name, outcome: outcome.kind === 'rejected' ? outcome.reason : outcome.outcome });
    deps.metrics.functionCallDuration.observe({ name }, (performance.now() - started) / 1000);
    if (outcome.kind === 'rejected') {
      res.status(401).json({ error: outcome.reason, detail: outcome.detail });
      return;
    }
    if (outcome.detail)
      deps.warn(
        `${name}:${outcome.outcome}`,
        { name, outcome: outcome.outcome, detail: outcome.detail },
        'custom function answered without times',
      );
    res.status(200).json(outcome.body);
  };
  return [nameIt, readBodyWithHeadroom(deps.maxBodyBytes, 0), handle];
}
