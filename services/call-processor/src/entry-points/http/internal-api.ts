import express from 'express';
import type { Request, Response } from 'express';
import { CUSTOMER_LOOKUP_ROUTE, CustomerLookupQuerySchema } from '@rb/contracts';
import { requireBearer } from '@rb/observability';
import type { FindCustomer, FindCustomerResult } from '../../customers/find-customer';
import { sendCustomerLookup, sendInvalidQuery } from './internal-answers';

export type CustomerLookupOutcome = FindCustomerResult['kind'] | 'invalid';

export interface InternalApiDeps {
  /** every accepted bearer token (QUERY_TOKENS; several while one is rotated), at least one */
  queryTokens: readonly string[];
  findCustomer: FindCustomer;
  /** each lookup's outcome, and for a valid one how long finding the customer took */
  onCustomerLookup?: (outcome: CustomerLookupOutcome, seconds?: number) => void;
}

/**
 * The internal query API, asked by other services while a caller waits (bearer token of
 * QUERY_TOKENS on everything under /internal): `POST /internal/customers` with `{companyId, phone}`,
 * who is calling (the number in the body, never in a URL that access logs keep).
 */
export function internalApi(deps: InternalApiDeps): express.Router {
  const router = express.Router();
  router.use('/internal', requireBearer(deps.queryTokens));
  router.post(CUSTOMER_LOOKUP_ROUTE, express.json({ limit: '1kb' }), async (req: Request, res: Response) => {
    const query = CustomerLookupQuerySchema.safeParse(req.body ?? {});
    if (!query.success) {
      deps.onCustomerLookup?.('invalid');
      return sendInvalidQuery(res, query.error);
    }
    const started = process.hrtime.bigint();
    const result = await deps.findCustomer(query.data);
    deps.onCustomerLookup?.(result.kind, Number(process.hrtime.bigint() - started) / 1e9);
    sendCustomerLookup(res, result);
  });
  return router;
}
