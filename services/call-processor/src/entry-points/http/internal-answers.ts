import type { Response } from 'express';
import type { z } from 'zod';
import type { CustomerLookupAnswer } from '@rb/contracts';
import type { FindCustomerResult } from '../../customers/find-customer';
import { assertNever } from './assert-never';

/**
 * The internal query API's answers: the only place where its use cases' results become HTTP
 * statuses and bodies. They hold personal data (a caller's name), so no cache keeps them.
 */

/** Known or unknown, both 200: an unknown caller is an answer, not an error. */
export function sendCustomerLookup(res: Response, result: FindCustomerResult): void {
  res.set('Cache-Control', 'no-store');
  switch (result.kind) {
    case 'known':
      return void res.status(200).json({ kind: 'known', name: result.name } satisfies CustomerLookupAnswer);
    case 'unknown':
      return void res.status(200).json({ kind: 'unknown' } satisfies CustomerLookupAnswer);
    default:
      return assertNever(result);
  }
}

/** A query that is not the contract's: each problem by its query value's name (never the value). */
export function sendInvalidQuery(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: 'invalid_query',
    issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });
}
