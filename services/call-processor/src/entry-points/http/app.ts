import express from 'express';
import type { Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { HealthChecks, Logger } from '@rb/observability';
import { adminFallbacks, healthRouter, httpMetricsMiddleware, httpServerSpans, requireBearer } from '@rb/observability';
import type { AdminOperation } from '../../tenant-directory/admin-input';
import type { AdminResult } from '../../tenant-directory/directory-admin';
import type { ImportResult } from '../../tenant-directory/import-tenants-file';
import { sendAdminResult, sendImportResult } from './admin-answers';
import type { InternalApiDeps } from './internal-api';
import { internalApi } from './internal-api';

export interface AppDeps {
  importTenantsFile: (text: string) => Promise<ImportResult>;
  administer: (operation: AdminOperation, target: string | undefined, body: unknown) => Promise<AdminResult>;
  /** every accepted bearer token (several while one is rotated) */
  adminTokens: readonly string[];
  /** the internal query API; none (QUERY_TOKENS empty): its routes are not there (404) */
  internal?: InternalApiDeps;
  health: HealthChecks;
  registry: Registry;
  log: Logger;
}

/**
 * /livez, /readyz, /metrics, the admin API (bearer token): PUT /admin/tenants takes a whole
 * tenants.yaml; the entity routes below change one entity at a time; and the internal query API
 * (its own bearer tokens) when it has any.
 */
export function makeApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(deps.registry));
  app.use(healthRouter(deps.health, deps.registry));
  // a SERVER span per request (with tracing on), a child of the asker's traceparent: ingress's
  // questions during a live call join the call's trace, and what a request emits carries it on;
  // after the probes and scrapes, which would each start a trace of their own
  app.use(httpServerSpans());
  const admin = express.Router();
  admin.use(requireBearer(deps.adminTokens));
  admin.put('/tenants', express.text({ type: () => true, limit: '5mb' }), async (req: Request, res: Response) => {
    sendImportResult(res, await deps.importTenantsFile(typeof req.body === 'string' ? req.body : ''));
  });
  for (const [method, path, operation] of ADMIN_ROUTES) {
    admin[method](path, express.json({ limit: '100kb' }), async (req: Request, res: Response) => {
      sendAdminResult(res, await deps.administer(operation, req.params.id as string | undefined, req.body ?? {}));
    });
  }
  app.use('/admin', admin);
  if (deps.internal) app.use(internalApi(deps.internal));
  const [notFound, failed] = adminFallbacks(deps.log);
  app.use(notFound);
  app.use(failed);
  return app;
}

/** One use case each: create under a parent, change (and deactivate with `active: false`) by id. */
const ADMIN_ROUTES: ['post' | 'patch', string, AdminOperation][] = [
  ['post', '/resellers', 'createReseller'],
  ['patch', '/resellers/:id', 'updateReseller'],
  ['post', '/companies', 'createCompany'],
  ['patch', '/companies/:id', 'updateCompany'],
  ['post', '/companies/:id/services', 'createService'],
  ['patch', '/services/:id', 'updateService'],
  ['post', '/companies/:id/branches', 'createBranch'],
  ['patch', '/branches/:id', 'updateBranch'],
  ['post', '/branches/:id/phone-numbers', 'addPhoneNumber'],
  ['patch', '/phone-numbers/:id', 'updatePhoneNumber'],
  ['post', '/branches/:id/staff', 'createStaff'],
  ['patch', '/staff/:id', 'updateStaff'],
];
