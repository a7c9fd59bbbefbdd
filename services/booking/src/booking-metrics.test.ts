import { Registry } from 'prom-client';
import type { AvailabilityAnswer } from '@rb/contracts';
import { makeBookingMetrics } from './booking-metrics';

describe("booking's metrics of the live availability questions", () => {
  const free: AvailabilityAnswer = { kind: 'free', timeZone: 'Europe/Berlin', slots: [] };
  const scrape = async (observe: (metrics: ReturnType<typeof makeBookingMetrics>) => void) => {
    const registry = new Registry();
    observe(makeBookingMetrics(registry));
    return registry.metrics();
  };

  it('when a cold-cache question takes 280 ms, then it lies within the 0.3 s bucket (its SLO threshold) and above 0.25 s', async () => {
    const text = await scrape((m) => m.onAvailabilityQuery(free, 0.28));
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.25",kind="free"} 0');
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.3",kind="free"} 1');
    // the warm-cache threshold is a bucket too
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.05",kind="free"} 0');
  });

  it('when the asker hung up before the answer, then the question counts as abandoned', async () => {
    const text = await scrape((m) => m.onAvailabilityQuery('abandoned', 0.4));
    expect(text).toContain('booking_availability_queries_total{outcome="abandoned"} 1');
    expect(text).toContain('booking_availability_query_duration_seconds_count{kind="abandoned"} 1');
  });
});
