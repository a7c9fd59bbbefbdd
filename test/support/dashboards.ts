import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

export const DASHBOARDS_DIR = join(REPO_ROOT, 'deploy', 'grafana', 'dashboards');

/**
 * The marker of a panel that shows data only when something goes wrong (dead letters, open
 * breakers, 5xx…): its description starts with it, followed by when the panel is empty
 * (deploy/README.md, "Dashboards"). The dashboard test asks such a panel's queries to be valid only.
 */
export const FAILURE_ONLY = 'Failure-only:';

export interface Datasource {
  type?: string;
  uid?: string;
}
export interface Target {
  refId?: string;
  expr?: string;
  datasource?: Datasource;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: Datasource;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
export interface TemplateVariable {
  name: string;
  type: string;
  datasource?: Datasource;
  includeAll?: boolean;
  allValue?: string;
  current?: { value?: string | string[] };
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: { list: TemplateVariable[] };
}

/** Every dashboard JSON file of deploy/grafana/dashboards/, parsed. */
export function readDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));
}

/** The panels of a dashboard, those inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export const isFailureOnly = (panel: Panel): boolean => panel.description?.startsWith(FAILURE_ONLY) ?? false;

/** One query of one panel, its template variables and Grafana's interval variables replaced. */
export interface PanelQuery {
  where: string;
  failureOnly: boolean;
  expr: string;
}

/**
 * Every panel target's expression, as Grafana would send it for the dashboard's default variable
 * values: a variable set to All becomes its allValue (or `.*`), another its current value(s);
 * $__rate_interval, $__interval and $__range become `window`, a range covering the data to look at.
 */
export function panelQueries(file: string, dashboard: Dashboard, window: string): PanelQuery[] {
  const variables = new Map<string, string>();
  for (const variable of dashboard.templating?.list ?? []) variables.set(variable.name, valueOf(variable));
  const substitute = (expr: string) =>
    expr
      .replace(/\$__(rate_interval|interval|range)\b/g, window)
      .replace(/\$\{?(\w+)\}?/g, (whole, name: string) => variables.get(name) ?? whole);
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${file} #${panel.id} "${panel.title}" ${target.refId ?? ''}`.trim(),
      failureOnly: isFailureOnly(panel),
      expr: substitute(target.expr ?? ''),
    })),
  );
}

function valueOf(variable: TemplateVariable): string {
  const value = variable.current?.value;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (values.length === 0 || values.includes('$__all')) return variable.allValue ?? '.*';
  return values.length === 1 ? values[0]! : `(${values.join('|')})`;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects (series, recording rules, ALERTS): identifiers that
 * are neither functions, aggregations, keywords, label names in by/on/… lists, nor inside strings,
 * label matchers or ranges. Histogram series (_bucket, _sum, _count) are reported as their family.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()/g)) {
    const name = match[0];
    const before = bare[match.index - 1];
    if (KEYWORDS.has(name.toLowerCase()) || (before && /[0-9.]/.test(before))) continue;
    names.add(name);
  }
  return [...names];
}

/** A histogram's or summary's family name for its _bucket/_sum/_count series. */
export const familyOf = (name: string): string => name.replace(/_(bucket|sum|count)$/, '');
