import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds; every SLO threshold (25 ms webhook p99, 50 ms answers, 500 ms flows) is a bucket edge. */
export const SLO_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * `http_request_duration_seconds{method,route,status_code}`. The route label is the matched
 * route pattern (never the raw URL), or `unmatched`.
 */
export function httpMetricsMiddleware(registry: Registry) {
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration from first byte in to response finished',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: SLO_BUCKETS_SECONDS,
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      histogram.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}
