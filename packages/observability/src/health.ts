import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** process and its loops alive; never checks the database or the broker */
  isLive: () => boolean;
  /** dependencies ready and not draining; returns the names of what is not ready */
  notReady: () => string[];
}

/** `/livez`, `/readyz`, `/metrics` for every service. */
export function healthRouter(checks: HealthChecks, registry: Registry): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.status(checks.isLive() ? 200 : 503).json({ live: checks.isLive() });
  });
  router.get('/readyz', (_req, res) => {
    const waitingFor = checks.notReady();
    res.status(waitingFor.length === 0 ? 200 : 503).json({ ready: waitingFor.length === 0, waitingFor });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
