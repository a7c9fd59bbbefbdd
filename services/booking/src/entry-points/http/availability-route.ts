import express from 'express';
import type { Request, Response, Router } from 'express';
import { DateTime } from 'luxon';
import type { ParsedAvailabilityQuery } from '@rb/contracts';
import type { AnsweredAvailability, CacheState } from '../../availability/answer-availability';
import { AVAILABILITY_QUERY_ROUTE, AvailabilityQuerySchema } from '@rb/contracts';
import type { AvailabilityQueryResult } from '../../booking-metrics';
import { sendAvailabilityAnswer } from './availability-answers';
import { below, jsonRoute, sendInvalidQuery } from './internal-api';

export interface AvailabilityRouteDeps {
  /**
   * QUERY_TOKENS: every accepted bearer token (several while one is rotated); at least one. The
   * whole internal API (availability and appointments) is behind them: see `internalRouter`.
   */
  tokens: readonly string[];
  /** `signal` aborts at the deadline, or when the asker hangs up before its answer was sent */
  answer: (query: ParsedAvailabilityQuery, signal: AbortSignal) => Promise<AnsweredAvailability>;
  /** AVAILABILITY_DEADLINE_MS: a question is answered within it (below the asker's own deadline) */
  deadlineMs: number;
  /**
   * every question that passed the token, with its time to answer and whether Cal.com was asked
   * (`cold`); an invalid one never reaches the cache (`warm`), an unexpected failure may have (`cold`)
   */
  onQuery?: (result: AvailabilityQueryResult, seconds: number, cache: CacheState) => void;
}

/** The contract's query, and days that exist in the calendar (the contract lets 2026-02-30 through). */
const QuerySchema = AvailabilityQuerySchema.superRefine((query, ctx) => {
  for (const key of ['fromDay', 'toDay'] as const) {
    if (!DateTime.fromISO(query[key], { zone: 'utc' }).isValid)
      ctx.addIssue({ code: 'custom', path: [key], message: 'not a day of the calendar' });
  }
});

/**
 * POST /internal/availability (mounted behind `internalRouter`'s token check) — a live caller's
 * availability question, decoded with the contract, answered by the use case within `deadlineMs`,
 * its answer mapped to HTTP in `sendAvailabilityAnswer`. A body that is not the contract's query
 * (or not JSON) is 400 `invalid_query` with every issue named. An asker that hangs up first stops
 * the question's Cal.com work and is answered nothing (`abandoned`).
 */
export function availabilityRouter(deps: Omit<AvailabilityRouteDeps, 'tokens'>): Router {
  const router = express.Router();
  const observe = deps.onQuery ?? (() => undefined);
  const ask = async (req: Request, res: Response) => {
    const seconds = stopwatch();
    const query = QuerySchema.safeParse(req.body ?? {});
    if (!query.success) {
      observe('invalid', seconds(), 'warm');
      return sendInvalidQuery(res, query.error);
    }
    const question = questionSignal(res, deps.deadlineMs);
    let answered: AnsweredAvailability;
    try {
      answered = await deps.answer(query.data, question.signal);
    } catch (error) {
      observe('error', seconds(), 'cold');
      throw error; // the app's last handler logs it and answers 503
    }
    if (question.hungUp.aborted) return void observe('abandoned', seconds(), answered.cache);
    sendAvailabilityAnswer(res, answered.answer);
    observe(answered.answer, seconds(), answered.cache);
  };
  router.post(below(AVAILABILITY_QUERY_ROUTE), ...jsonRoute(ask, () => observe('invalid', 0, 'warm')));
  return router;
}

/**
 * A question's signal: aborted when its deadline passes, or when the asker hangs up before its
 * answer was sent (`hungUp`: nobody is left to answer). A response that closes after it was sent
 * (keep-alive) is no hang-up.
 */
function questionSignal(res: Response, deadlineMs: number): { signal: AbortSignal; hungUp: AbortSignal } {
  const hangUp = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) hangUp.abort(new Error('the asker hung up before the answer'));
  });
  return { signal: AbortSignal.any([AbortSignal.timeout(deadlineMs), hangUp.signal]), hungUp: hangUp.signal };
}

function stopwatch(): () => number {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}
