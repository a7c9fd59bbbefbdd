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

function overlap(a: Panel, b: Panel): boolean {
  const [p, q] = [a.gridPos, b.gridPos];
  return p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h;
}
