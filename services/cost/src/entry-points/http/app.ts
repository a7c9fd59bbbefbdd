import express from 'express';
import type { Registry } from 'prom-client';
import type { Sql, Transactions } from '@rb/kafka-runner';
import type { HealthChecks, Logger } from '@rb/observability';
import { adminFallbacks, healthRouter, httpMetricsMiddleware, httpServerSpans } from '@rb/observability';
import { makeResellerTokens } from '../../access/reseller-tokens';
import { makePlanAdmin } from '../../prices/plan-admin';
import { makeTwilioRatesAdmin } from '../../prices/twilio-rates-admin';
import { makeCallBreakdown } from '../../reports/call-breakdown';
import { makeReports } from '../../reports/reports';
import { makeCompanyStatement } from '../../statements/company-statement';
import type { Recost } from './admin-routes';
import { adminRoutes } from './admin-routes';
import { authenticate } from './authenticate';
import { priceRoutes } from './price-routes';
import { reportRoutes } from './report-routes';
import { statementRoutes } from './statement-routes';

export interface CostAppDeps {
  db: Sql;
  transactions: Transactions;
  /** the operator's bearer tokens (several while one is rotated) */
  adminTokens: readonly string[];
  health: HealthChecks;
  registry: Registry;
  log: Logger;
  clock: () => Date;
  /** plans or rates changed: calls waiting for them may now be costed */
  onPricesChanged: () => void;
  /** an explicit re-cost of one call with today's prices, audited */
  recost: Recost;
}

/**
 * /livez, /readyz, /metrics, and cost's API behind a bearer token (the operator's admin tokens or
 * a reseller's token; see authenticate.ts): plans and Twilio rates, reports, one call's breakdown,
 * monthly statements, and the operator's /admin routes (re-costs, reseller tokens).
 */
export function makeApp(deps: CostAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(deps.registry));
  app.use(healthRouter(deps.health, deps.registry));
  // a SERVER span per request (with tracing on), a child of the asker's traceparent: ingress's
  // questions during a live call join the call's trace, and what a request emits carries it on;
  // after the probes and scrapes, which would each start a trace of their own
  app.use(httpServerSpans());
  const tokens = makeResellerTokens(deps);
  const api = express.Router();
  api.use(authenticate(deps.adminTokens, tokens.resolve));
  // a call id has Retell's shape; anything else (a NUL byte, 10 kB) names no call
  api.use('/admin/calls/:callId', unknownCallUnlessRetellId);
  api.use('/calls/:callId', unknownCallUnlessRetellId);
  api.use('/admin', adminRoutes(deps.recost, tokens));
  api.use(priceRoutes(makePlanAdmin(deps), makeTwilioRatesAdmin(deps)));
  api.use(reportRoutes(makeReports(deps), makeCallBreakdown(deps)));
  api.use(statementRoutes(makeCompanyStatement(deps)));
  app.use(api);
  const [notFound, failed] = adminFallbacks(deps.log);
  app.use(notFound);
  app.use(failed);
  return app;
}

const RETELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

function unknownCallUnlessRetellId(req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (RETELL_ID.test(req.params.callId as string)) return next();
  res.status(404).json({ error: 'unknown_call' });
}
