import type { Server } from 'node:http';
import { once } from 'node:events';
import express from 'express';
import type { Registry } from 'prom-client';
import type { HealthChecks } from './health';
import { healthRouter } from './health';

/**
 * The internal listener every service serves `/livez`, `/readyz` and `/metrics` on, apart from
 * anything the public reaches: readiness names what is down and metrics describe the system, so
 * neither belongs on the webhook port. Bind it to an address only the cluster (kubelet,
 * Prometheus) reaches; `OPS_HOST`/`OPS_PORT` in each service's config.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  health: HealthChecks;
  registry: Registry;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRouter(options.health, options.registry));
  app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
  const server = app.listen(options.port, options.host);
  await once(server, 'listening');
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://${address.address}:${address.port}` : String(address);
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
