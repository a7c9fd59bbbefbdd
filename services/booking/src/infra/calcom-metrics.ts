import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Fetch } from '../calcom/calcom-client';
import type { PolicyEvent } from '../calcom/calcom-gateway';

/** Cal.com's paths with the booking uid taken out, so a label never names a booking. */
function operationOf(method: string, url: URL): string {
  const path = url.pathname.replace(/^\/v2\/bookings\/[^/]+/, '/v2/bookings/:uid');
  return `${method} ${path}`;
}

/**
 * What booking's dashboards need of Cal.com: every HTTP call by operation and status class
 * (calls per booking, error rates, latency), and the cockatiel policy events (retries, breaker
 * changes, bulkhead rejections, timeouts).
 */
export function makeCalcomMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'booking_calcom_requests_total',
    help: 'HTTP calls to Cal.com by operation and status class (2xx, 4xx, 429, 5xx, network)',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'booking_calcom_request_duration_seconds',
    help: 'Cal.com HTTP call duration by operation',
    labelNames: ['operation'] as const,
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 4, 8],
    registers: [registry],
  });
  const policy = new Counter({
    name: 'booking_calcom_policy_events_total',
    help: 'cockatiel policy events: retry, breaker_open, breaker_half_open, breaker_closed, bulkhead_rejected, timeout',
    labelNames: ['event', 'operation'] as const,
    registers: [registry],
  });

  /** fetch, counted */
  const instrument =
    (inner: Fetch): Fetch =>
    async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const operation = operationOf(init?.method ?? 'GET', url);
      const end = duration.startTimer({ operation });
      try {
        const response = await inner(input, init);
        const status = response.status === 429 ? '429' : `${Math.floor(response.status / 100)}xx`;
        requests.inc({ operation, status });
        return response;
      } catch (error) {
        requests.inc({ operation, status: 'network' });
        throw error;
      } finally {
        end();
      }
    };

  const onPolicyEvent = (_account: string, event: PolicyEvent) => {
    if (event.type === 'breaker') policy.inc({ event: `breaker_${event.state}`, operation: '' });
    else policy.inc({ event: event.type, operation: event.operation });
  };

  return { instrument, onPolicyEvent };
}
