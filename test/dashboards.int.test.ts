import { familyOf, metricNames, panelQueries, readDashboards } from './support/dashboards';
import type { DemoSystem } from './support/demo-traffic';
import { driveDemoRound, startDemoSystem } from './support/demo-traffic';
import type { QueryAnswer, RunningPrometheus } from './support/prometheus';
import { requirePrometheus, startPrometheus } from './support/prometheus';

jest.setTimeout(120_000);

/** What Prometheus itself adds to every scrape and rule evaluation. */
const BUILT_IN = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/**
 * Integration, end to end: the four services started as the demo runs them (ingress, call-processor
 * and booking with the stand-in Cal.com, cost with rates and the example prices) on the real
 * broker, registry, PostgreSQL and Redis; a real Prometheus (Debian's package) scrapes their ops
 * listeners every second with the repository's rule files loaded; the demo's traffic goes through
 * twice; then every query of every panel of every dashboard in deploy/grafana/dashboards/ is
 * evaluated through Prometheus's HTTP API.
 */
describe('the Grafana dashboards, against a real Prometheus scraping the running services', () => {
  let system: DemoSystem | undefined;
  let prometheus: RunningPrometheus | undefined;
  /** $__rate_interval, $__interval and $__range: everything since Prometheus started */
  let window = '';

  beforeAll(async () => {
    requirePrometheus();
    system = await startDemoSystem();
    const started = Date.now();
    prometheus = await startPrometheus(system.scrapeTargets);
    // the first round creates the labelled series; rate() needs a scrape before the next change
    await driveDemoRound(system, 1);
    await settled(prometheus, 1);
    await driveDemoRound(system, 2);
    await settled(prometheus, 2);
    window = `${Math.ceil((Date.now() - started) / 1000) + 10}s`;
  }, 110_000);

  afterAll(async () => {
    await prometheus?.stop();
    await system?.stop();
  });

  const queries = () => readDashboards().flatMap(({ file, dashboard }) => panelQueries(file, dashboard, window));

  it('when Prometheus scrapes the services, then every job of deploy/prometheus/prometheus.yml is up', async () => {
    const up = await prometheus!.query('up');
    const jobs = up.status === 'success' ? up.data.result.map((s) => [s.metric.job, s.value?.[1]]) : [];
    expect(jobs.sort()).toEqual([
      ['booking', '1'],
      ['call-processor', '1'],
      ['cost', '1'],
      ['ingress', '1'],
    ]);
  });

  it('when every panel query is evaluated after the demo traffic, then each returns a number (failure-only panels: a valid query)', async () => {
    const all = queries();
    expect(all.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const query of all) {
      const answer = await prometheus!.query(query.expr);
      const problem = problemOf(answer, query.failureOnly);
      if (problem) problems.push(`${query.where}: ${problem}\n    ${query.expr}`);
    }
    expect(problems).toEqual([]);
  });

  it('when a panel names a metric, then a scraped service declares it or a loaded rule records it (failure-only panels included)', async () => {
    const declared = await prometheus!.metadataNames();
    const recorded = await prometheus!.recordedNames();
    const unknown = queries().flatMap((query) =>
      metricNames(query.expr)
        .filter((name) => !declared.has(name) && !declared.has(familyOf(name)))
        .filter((name) => !recorded.has(name) && !BUILT_IN.has(name))
        .map((name) => `${query.where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});

/** An answer with no series, or only NaN/Inf (a ratio or quantile of nothing), is no data. */
function problemOf(answer: QueryAnswer, failureOnly: boolean): string | undefined {
  if (answer.status !== 'success') return `${answer.errorType}: ${answer.error}`;
  if (failureOnly) return undefined;
  const numbers = answer.data.result.map((series) => Number(series.value?.[1]));
  if (numbers.length === 0) return 'no data';
  return numbers.some(Number.isFinite) ? undefined : `only ${numbers.join(', ')}`;
}

/**
 * Until Prometheus has scraped what round `round` caused (its outcomes, costs and truth checks,
 * which the consumers produce after the HTTP answers), the consumers have gone quiet for three
 * scrapes, and the rules have been evaluated on that data.
 */
async function settled(prometheus: RunningPrometheus, round: number): Promise<void> {
  const value = async (expr: string) => {
    const answer = await prometheus.query(expr);
    return answer.status === 'success' ? Number(answer.data.result[0]?.value?.[1] ?? NaN) : NaN;
  };
  const enough: [string, number][] = [
    ['sum(booking_outcomes_total{type="booking.confirmed.v1"})', 2 * round],
    ['sum(booking_outcomes_total{type="booking.alternatives-offered.v1"})', round],
    ['sum(booking_intent_to_outcome_seconds_count)', 2 * round],
    ['sum(booking_claim_checks_total{verdict="held"})', round],
    ['sum(cost_calls_costed_total{cause="costed"})', 5 * round],
    ['sum(cost_recosts_total)', round],
  ];
  const deadline = Date.now() + 40_000;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const counts = await Promise.all(enough.map(([expr]) => value(expr)));
    const consumed = String(await value('sum(kafka_consumer_messages_total)'));
    if (consumed !== last) [last, quietSince] = [consumed, Date.now()];
    if (counts.every((count, i) => count >= enough[i]![1]) && Date.now() - quietSince >= 3_000) break;
    if (Date.now() > deadline)
      throw new Error(
        `round ${round} not seen by Prometheus within 40 s: ${enough.map(([e], i) => `${e} = ${counts[i]}`).join('; ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const scraped = Date.now() / 1000;
  while ((await value('max(timestamp(slo:booking_intent_failures:ratio_rate5m))')) <= scraped) {
    if (Date.now() > deadline + 10_000) throw new Error('the recording rules were not evaluated within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
