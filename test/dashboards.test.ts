import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './paths';
import type { Datasource, Panel } from './support/dashboards';
import { allPanels, DASHBOARDS_DIR, FAILURE_ONLY, isFailureOnly, readDashboards } from './support/dashboards';

/** The uids Grafana links and bookmarks use: a changed uid breaks them, so changing one must be deliberate. */
const UIDS = {
  'booking.json': 'booking',
  'business.json': 'business',
  'calcom.json': 'calcom',
  'call-processor.json': 'call-processor',
  'cost.json': 'cost',
  'ingress.json': 'ingress-slo',
  'kafka.json': 'kafka',
  'slo-overview.json': 'slo-overview',
};

const dashboards = readDashboards();
const provisioning = join(REPO_ROOT, 'deploy', 'grafana', 'provisioning');
const provisioned = (
  parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')) as {
    datasources: { type: string; uid: string }[];
  }
).datasources;

describe('deploy/grafana/dashboards', () => {
  it('when the dashboards are read, then each has its stable uid and no two share one', () => {
    expect(Object.fromEntries(dashboards.map(({ file, dashboard }) => [file, dashboard.uid]))).toEqual(UIDS);
    expect(new Set(Object.values(UIDS)).size).toBe(Object.keys(UIDS).length);
  });

  it.each(dashboards)(
    'when $file is read, then its panel ids are unique and its queries have unique refIds',
    ({ dashboard }) => {
      const ids = allPanels(dashboard).map((p) => p.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of allPanels(dashboard)) {
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect([panel.id, new Set(refIds).size]).toEqual([panel.id, refIds.length]);
        for (const target of panel.targets ?? [])
          expect([panel.id, target.expr?.trim()]).toEqual([panel.id, expect.any(String)]);
      }
    },
  );

  it.each(dashboards)(
    'when $file names a datasource, then it is the provisioned Prometheus (uid and type)',
    ({ dashboard }) => {
      expect(provisioned).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus' })]);
      const used: [string, Datasource | undefined][] = [
        ...(dashboard.templating?.list ?? []).map((v): [string, Datasource | undefined] => [
          `variable ${v.name}`,
          v.datasource,
        ]),
        ...allPanels(dashboard)
          .filter((p) => (p.targets ?? []).length > 0)
          .flatMap((p) => [
            [`panel ${p.id}`, p.datasource] as [string, Datasource | undefined],
            ...(p.targets ?? []).map((t): [string, Datasource | undefined] => [
              `panel ${p.id} ${t.refId}`,
              t.datasource,
            ]),
          ]),
      ];
      expect(used.length).toBeGreaterThan(0);
      for (const [where, datasource] of used)
        expect([where, datasource]).toEqual([where, { type: 'prometheus', uid: 'prometheus' }]);
    },
  );

  it('when Grafana starts with docker-compose.yml, then provisioning loads every dashboard file (and the home dashboard exists)', () => {
    const providers = (
      parse(readFileSync(join(provisioning, 'dashboards', 'dashboards.yml'), 'utf8')) as {
        providers: { type: string; options: { path: string } }[];
      }
    ).providers;
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: { grafana: { volumes: string[]; environment: Record<string, string> } };
    };
    const mounts = new Map(
      compose.services.grafana.volumes.map((v) => {
        const [host, container] = v.split(':');
        return [container!, posix.normalize(host!)];
      }),
    );
    expect(providers.map((p) => [p.type, mounts.get(p.options.path)])).toEqual([['file', 'deploy/grafana/dashboards']]);
    // the provider reads JSON files only; anything else there, or a folder, would be a file that is never loaded
    const entries = readdirSync(DASHBOARDS_DIR);
    expect(entries.filter((e) => statSync(join(DASHBOARDS_DIR, e)).isDirectory() || !e.endsWith('.json'))).toEqual([]);
    expect(entries.sort()).toEqual(Object.keys(UIDS));
    const home = compose.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(entries).toContain(posix.relative(providers[0]!.options.path, home));
  });

  it.each(dashboards)(
    'when $file is read, then it has the schema version of the others and its panels fit the grid without overlapping',
    ({ dashboard }) => {
      expect(dashboard.schemaVersion).toBe(dashboards[0]!.dashboard.schemaVersion);
      const panels = allPanels(dashboard);
      for (const p of panels) expect([p.id, p.gridPos.x + p.gridPos.w <= 24]).toEqual([p.id, true]);
      const overlapping = panels.flatMap((a, i) =>
        panels
          .slice(i + 1)
          .filter((b) => overlap(a, b))
          .map((b) => `${a.id} and ${b.id}`),
      );
      expect(overlapping).toEqual([]);
    },
  );

  it.each(dashboards)(
    'when a panel of $file is marked failure-only, then the marker opens its description and says when it is empty',
    ({ dashboard }) => {
      for (const panel of allPanels(dashboard)) {
        if ((panel.targets ?? []).length > 0)
          expect([panel.id, panel.description]).toEqual([panel.id, expect.any(String)]);
        if (!panel.description?.includes(FAILURE_ONLY)) continue;
        expect([panel.id, isFailureOnly(panel)]).toEqual([panel.id, true]);
        expect([panel.id, panel.description.slice(FAILURE_ONLY.length)]).toEqual([
          panel.id,
          expect.stringMatching(/^ \S.{10,}/),
        ]);
        expect([panel.id, (panel.targets ?? []).length > 0]).toEqual([panel.id, true]);
      }
    },
  );
});

/**
 * Gauges every replica of a service reports alike, measured from what the replicas share (the
 * service's database, the broker) or each holding the same copy: 2 replicas report the same value
 * twice, so a sum doubles it. Counters (each replica counts its own work) and per-process gauges
 * (memory, CPU) are not here: those add up.
 */
const ALIKE_ON_EVERY_REPLICA = [
  'kafka_consumer_lag', // the broker's offsets, every replica measures every group
  'outbox_pending_events', // the service's outbox table
  'outbox_oldest_pending_age_seconds',
  'booking_parked_intents', // booking's parked_intents table
  'booking_parked_oldest_seconds',
  'cost_calls_pending', // cost's call_costings table
  'cost_pending_oldest_seconds',
  'call_processor_directory_numbers', // each replica's copy of the whole directory
];

/**
 * The selectors of those gauges in an expression that are not the direct argument of a max or a
 * min (`max(…)`, `max by (…) (…)`), which is how a query counts them once. `max without
 * (instance)` is refused too: under Kubernetes replicas differ in pod and container labels as well.
 */
function alikeGaugesNotMerged(expr: string): string[] {
  const found: string[] = [];
  for (const metric of ALIKE_ON_EVERY_REPLICA)
    for (const match of expr.matchAll(new RegExp(`(?<![\\w:])${metric}(?![\\w:])`, 'g'))) {
      const before = expr.slice(0, match.index);
      if (!/\b(max|min)\s*(by\s*\([^()]*\)\s*)?\(\s*$/.test(before)) found.push(metric);
    }
  return found;
}

describe('gauges every replica reports alike', () => {
  it('when an expression sums one, or merges replicas without a max, then the check names it', () => {
    expect(alikeGaugesNotMerged('sum by (group, topic) (kafka_consumer_lag{job="booking"})')).toEqual([
      'kafka_consumer_lag',
    ]);
    expect(alikeGaugesNotMerged('sum(outbox_pending_events{job="cost"})')).toEqual(['outbox_pending_events']);
    expect(alikeGaugesNotMerged('topk(10, kafka_consumer_lag)')).toEqual(['kafka_consumer_lag']);
    expect(alikeGaugesNotMerged('max without (instance) (kafka_consumer_lag)')).toEqual(['kafka_consumer_lag']);
  });

  it('when an expression takes their max or min, or a recorded rule of them, then the check passes it', () => {
    expect(alikeGaugesNotMerged('max(booking_parked_intents{job="booking"})')).toEqual([]);
    expect(alikeGaugesNotMerged('max by (reason) (cost_calls_pending{job="cost"})')).toEqual([]);
    expect(
      alikeGaugesNotMerged('topk(10, max by (job, group, topic, partition) (kafka_consumer_lag{job=~"$job"}))'),
    ).toEqual([]);
    expect(alikeGaugesNotMerged('sum by (group, topic) (job_group_topic:kafka_consumer_lag:sum{job="cost"})')).toEqual(
      [],
    );
    expect(alikeGaugesNotMerged('sum(rate(kafka_consumer_lag_errors_total[5m]))')).toEqual([]);
  });

  it.each(dashboards)(
    'when $file shows a gauge every replica reports alike, then it counts it once',
    ({ dashboard }) => {
      const summed = allPanels(dashboard).flatMap((panel) =>
        (panel.targets ?? []).flatMap((t) =>
          alikeGaugesNotMerged(t.expr ?? '').map((metric) => `panel ${panel.id} (${panel.title}): ${metric}`),
        ),
      );
      expect(summed).toEqual([]);
    },
  );
});

function overlap(a: Panel, b: Panel): boolean {
  const [p, q] = [a.gridPos, b.gridPos];
  return p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h;
}
