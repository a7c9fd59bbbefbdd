import { Registry } from 'prom-client';
import { makeCostMetrics, reportPending } from './cost-metrics';

async function gauge(registry: Registry, name: string): Promise<Record<string, number>> {
  const { values } = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
}

describe('reportPending', () => {
  const now = new Date('2026-03-03T12:00:00.000Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

  it('when calls wait for a rate and for a plan, then each reason has its own count and oldest wait, and the others 0', async () => {
    const registry = new Registry();
    const metrics = makeCostMetrics(registry);
    reportPending(
      metrics,
      {
        byReason: {
          rate: { count: 3, oldestSince: hoursAgo(40) },
          plan: { count: 1, oldestSince: hoursAgo(2) },
        },
      },
      now,
    );
    expect(await gauge(registry, 'cost_calls_pending')).toEqual({ rate: 3, plan: 1, twilio_rate: 0, directory: 0 });
    // a rate-waiting call's 40 hours are not hidden by, nor mixed with, the plan's 2
    expect(await gauge(registry, 'cost_pending_oldest_seconds')).toEqual({
      rate: 40 * 3600,
      plan: 2 * 3600,
      twilio_rate: 0,
      directory: 0,
    });
  });

  it('when the waiting calls are costed, then the next report puts their reason back to 0', async () => {
    const registry = new Registry();
    const metrics = makeCostMetrics(registry);
    reportPending(metrics, { byReason: { rate: { count: 5, oldestSince: hoursAgo(20) } } }, now);
    reportPending(metrics, { byReason: {} }, now);
    expect(await gauge(registry, 'cost_calls_pending')).toEqual({ rate: 0, plan: 0, twilio_rate: 0, directory: 0 });
    expect(await gauge(registry, 'cost_pending_oldest_seconds')).toEqual({
      rate: 0,
      plan: 0,
      twilio_rate: 0,
      directory: 0,
    });
  });
});
