import type { Request, RequestHandler, Response } from 'express';
import type { rateLimitedWarn } from '@rb/observability';
import type { FunctionCallOutcome, FunctionCallRequest } from '../../functions/answer-function-call';
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

/**
 * Thin adapter: raw bytes and the tenant hint in, the use case, its outcome out. Every answer is a
 * 200 the LLM can read, except a bad signature (401: not Retell) and a body over the limit (413,
 * by the body reader). Counted by function and outcome; timed by function.
 */
export function functionCallRoute(deps: FunctionCallRouteDeps): RequestHandler[] {
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
  return [readBodyWithHeadroom(deps.maxBodyBytes, 0), handle];
}
