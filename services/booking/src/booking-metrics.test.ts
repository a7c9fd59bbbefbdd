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
    const text = await scrape((m) => m.onAvailabilityQuery(free, 0.28, 'cold'));
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.25",kind="free",cache="cold"} 0');
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.3",kind="free",cache="cold"} 1');
    // the warm-cache threshold is a bucket too
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.05",kind="free",cache="cold"} 0');
  });

  it('when the asker hung up before the answer, then the question counts as abandoned', async () => {
    const text = await scrape((m) => m.onAvailabilityQuery('abandoned', 0.4, 'cold'));
    expect(text).toContain('booking_availability_queries_total{outcome="abandoned",cache="cold"} 1');
    expect(text).toContain('booking_availability_query_duration_seconds_count{kind="abandoned",cache="cold"} 1');
  });

  it('when one question is answered from the cache in 30 ms and one asks Cal.com, then each is counted and timed under its own cache label', async () => {
    const text = await scrape((m) => {
      m.onAvailabilityQuery(free, 0.03, 'warm');
      m.onAvailabilityQuery(free, 0.2, 'cold');
    });
    expect(text).toContain('booking_availability_queries_total{outcome="free",cache="warm"} 1');
    expect(text).toContain('booking_availability_queries_total{outcome="free",cache="cold"} 1');
    // the warm one within the 50 ms warm target, the cold one not
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.05",kind="free",cache="warm"} 1');
    expect(text).toContain('booking_availability_query_duration_seconds_bucket{le="0.05",kind="free",cache="cold"} 0');
  });
});

describe("booking's time from intent to outcome", () => {
  it('when an intent took 0.4 s to its confirmed outcome, then it lies in the 0.5 s bucket (the post-call target) and not in 0.25 s, under its type', async () => {
    const registry = new Registry();
    makeBookingMetrics(registry).onIntentSettled('booking.confirmed.v1', 0.4);
    const text = await registry.metrics();
    expect(text).toContain('booking_intent_to_outcome_seconds_bucket{le="0.25",type="booking.confirmed.v1"} 0');
    expect(text).toContain('booking_intent_to_outcome_seconds_bucket{le="0.5",type="booking.confirmed.v1"} 1');
    // an intent parked for minutes still has a bucket below +Inf
    expect(text).toContain('booking_intent_to_outcome_seconds_bucket{le="300",type="booking.confirmed.v1"} 1');
  });
});

describe("booking's alternatives offered and taken", () => {
  it('when a live book offers alternatives and a post-call intent takes one, then each is counted once under its own source, the take under where it was offered', async () => {
    const registry = new Registry();
    const metrics = makeBookingMetrics(registry);
    metrics.onAlternatives({ kind: 'offered', source: 'live_call' });
    metrics.onAlternatives({ kind: 'taken', source: 'analysis', offeredIn: 'live_call' });
    const text = await registry.metrics();
    expect(text).toContain('booking_alternatives_offered_total{source="live_call"} 1');
    expect(text).toContain('booking_alternatives_taken_total{source="analysis",offered_in="live_call"} 1');
    expect(text).not.toContain('booking_alternatives_taken_total{source="live_call"');
    expect(text).not.toContain('offered_in="post_call"');
    expect(text).not.toContain('booking_alternatives_offered_total{source="analysis"}');
  });
});
