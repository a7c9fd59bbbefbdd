import { TOPICS } from '@rb/contracts';
import { allTopics, partitionsOf, topicConfigOf } from '../scripts/lib/topic-plan';
import { parseConfig as parseBookingConfig } from '../services/booking/src/config';
import { parseConfig as parseCallProcessorConfig } from '../services/call-processor/src/config';
import { parseConfig as parseCostConfig } from '../services/cost/src/config';
import { parseConfig as parseIngressConfig } from '../services/ingress/src/config';
import type { KubeObject, PodEnv } from './support/k8s-manifests';
import {
  containerOf,
  containerPort,
  named,
  ofKind,
  podEnv,
  render,
  requireKubectl,
  schemaProblems,
  selects,
} from './support/k8s-manifests';

/** What the manifests must agree with, per service: its config schema, and where it is reached. */
const SERVICES = {
  ingress: { parse: parseIngressConfig, consumer: false },
  'call-processor': { parse: parseCallProcessorConfig, consumer: true },
  booking: { parse: parseBookingConfig, consumer: true },
  cost: { parse: parseCostConfig, consumer: true },
} as const;
type ServiceName = keyof typeof SERVICES;

/** A setting whose value is a secret (or holds one, like a URL with a password): never a literal. */
const SECRET_SETTING = /TOKEN|KEY|SECRET|PASSWORD|CREDENTIAL|DATABASE_URL|REDIS_URL/;
const DAY_MS = 86_400_000;

/** Stand-ins for what the secret manager puts in the Secrets, each in the shape its service checks. */
function placeholder(setting: string): string {
  const key32 = Buffer.alloc(32, 7).toString('base64');
  if (setting === 'DATABASE_URL') return 'postgres://svc:secret@pgbouncer.databases.svc:5432/svc';
  if (setting === 'REDIS_URL') return 'redis://:secret@redis.redis.svc:6379';
  if (setting === 'RETELL_API_KEY') return 'key_0123456789abcdef';
  if (setting === 'CREDENTIAL_KEYS') return `k1:${key32}`;
  if (setting === 'CALLER_INDEX_KEY') return key32;
  // 24+ characters, and another per setting: query tokens must differ from admin tokens
  if (/TOKENS?$/.test(setting)) return `${setting.toLowerCase()}-placeholder-0123456789`;
  throw new Error(`no placeholder for the secret setting ${setting}: add one to test/k8s-manifests.test.ts`);
}

interface Rendered {
  objects: KubeObject[];
  deployments: Map<ServiceName, { deployment: KubeObject; env: PodEnv; config: Record<string, unknown> }>;
}

/** Renders a kustomization and parses each Deployment's environment with its service's own config schema. */
function renderAndParse(dir: string): Rendered {
  const objects = render(dir);
  const deployments: Rendered['deployments'] = new Map();
  for (const deployment of ofKind(objects, 'Deployment')) {
    const name = deployment.metadata.name as ServiceName;
    if (!(name in SERVICES)) throw new Error(`Deployment ${name} is no service of this repository`);
    const env = podEnv(deployment, objects);
    const required = Object.entries(env.secrets).filter(([, ref]) => !ref.optional);
    const parsed = SERVICES[name].parse({
      ...env.values,
      ...Object.fromEntries(required.map(([setting]) => [setting, placeholder(setting)])),
    });
    if (parsed.kind === 'invalid') throw new Error(`${dir}: ${name}'s environment: ${parsed.problems.join('; ')}`);
    deployments.set(name, { deployment, env, config: parsed.config as Record<string, unknown> });
  }
  return { objects, deployments };
}

/** The port /livez, /readyz and /metrics answer on: ingress's ops listener, the others' one listener. */
const opsPortOf = (config: Record<string, unknown>) => Number(config.OPS_PORT ?? config.PORT);

describe.each(['base', 'overlays/production', 'overlays/staging'])('deploy/k8s/%s', (dir) => {
  let rendered: Rendered;
  beforeAll(() => {
    requireKubectl();
    rendered = renderAndParse(dir);
  });

  it("when rendered with kubectl kustomize, then every object is valid against its kind's schema", () => {
    const invalid = schemaProblems(rendered.objects).filter((r) => r.problems.length > 0);
    expect(invalid).toEqual([]);
    expect([...rendered.deployments.keys()].sort()).toEqual(Object.keys(SERVICES).sort());
  });

  it("when each Deployment's ConfigMaps and (stand-in) Secrets are read, then its service's config schema accepts them, and every secret setting comes from a Secret by reference", () => {
    // renderAndParse already parsed each environment; here: nothing secret is written down
    expect(ofKind(rendered.objects, 'Secret')).toEqual([]);
    for (const [name, { env }] of rendered.deployments) {
      const literal = Object.keys(env.values).filter((setting) => SECRET_SETTING.test(setting));
      expect({ service: name, secretsWrittenDown: literal }).toEqual({ service: name, secretsWrittenDown: [] });
      for (const [setting, ref] of Object.entries(env.secrets)) {
        expect({ setting, ref }).toEqual({
          setting,
          ref: { secret: `${name}-secrets`, key: setting, optional: ref.optional },
        });
      }
    }
    for (const configMap of ofKind(rendered.objects, 'ConfigMap')) {
      expect(Object.keys(configMap.data ?? {}).filter((key) => SECRET_SETTING.test(key))).toEqual([]);
    }
  });

  it('when a Deployment is read, then it has startup, liveness and readiness probes on its ops port, requests and limits, and runs non-root on a read-only root', () => {
    for (const [name, { deployment, config }] of rendered.deployments) {
      const container = containerOf(deployment);
      const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((probe) => ({
        probe,
        path: container[probe]?.httpGet?.path,
        port: container[probe] && containerPort(deployment, container[probe].httpGet.port),
      }));
      expect({ name, probes }).toEqual({
        name,
        probes: [
          { probe: 'startupProbe', path: '/livez', port: opsPortOf(config) },
          { probe: 'livenessProbe', path: '/livez', port: opsPortOf(config) },
          { probe: 'readinessProbe', path: '/readyz', port: opsPortOf(config) },
        ],
      });
      expect(containerPort(deployment, 'http')).toBe(config.PORT);
      for (const kind of ['requests', 'limits'])
        expect({ name, kind, resources: Object.keys(container.resources?.[kind] ?? {}).sort() }).toEqual({
          name,
          kind,
          resources: ['cpu', 'memory'],
        });
      const pod = deployment.spec.template.spec;
      expect({ name, pod: pod.securityContext.runAsNonRoot, root: container.securityContext }).toEqual({
        name,
        pod: true,
        root: expect.objectContaining({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        }),
      });
      expect({ name, replicas: deployment.spec.replicas }).toEqual({ name, replicas: undefined });
      if (dir !== 'base') expect(container.image).toMatch(/^[\w.-]+(\/[\w.-]+)+:(?!latest$)[\w.-]+$/);
    }
  });

  it('when every topic of packages/contracts is looked up, then it and its .dlq have a KafkaTopic with the topic plan’s partitions, 3 replicas, min.insync.replicas 2 and their retention, the directory compacted', () => {
    const topics = ofKind(rendered.objects, 'KafkaTopic');
    const byName = new Map(topics.map((t) => [t.spec.topicName as string, t.spec]));
    expect([...byName.keys()].sort()).toEqual(allTopics().sort());
    expect(allTopics()).toEqual(expect.arrayContaining(Object.values(TOPICS).flatMap((t) => [t, `${t}.dlq`])));
    const inboxRetentionMs = Math.min(
      ...[...rendered.deployments.values()].map(({ config }) => Number(config.INBOX_RETENTION_DAYS ?? 14) * DAY_MS),
    );
    for (const topic of allTopics()) {
      const spec = byName.get(topic)!;
      const planned = topicConfigOf(topic);
      const policy = planned['cleanup.policy'] ?? 'delete';
      expect({ topic, partitions: spec.partitions, replicas: spec.replicas, config: spec.config }).toEqual({
        topic,
        partitions: partitionsOf(topic),
        replicas: 3,
        config: expect.objectContaining({
          'min.insync.replicas': 2,
          'max.message.bytes': Number(planned['max.message.bytes']),
          'cleanup.policy': policy,
        }),
      });
      // a replay from the earliest offset must still meet the inbox rows that recognise it
      if (policy === 'delete') {
        const retention = spec.config['retention.ms'] as number;
        expect({ topic, retention, withinInbox: retention >= DAY_MS && retention <= inboxRetentionMs }).toEqual({
          topic,
          retention,
          withinInbox: true,
        });
      }
    }
    expect(byName.get(TOPICS.tenantDirectory)!.config['cleanup.policy']).toBe('compact');
  });

  it("when the autoscalers are read, then each consumer scales on its own groups' lag within its topics' partitions and ingress on CPU", () => {
    const scaled = ofKind(rendered.objects, 'ScaledObject');
    for (const [name, { config }] of rendered.deployments) {
      if (!SERVICES[name].consumer) continue;
      const scaler = scaled.find((s) => s.spec.scaleTargetRef.name === name);
      expect({ name, scaledObject: scaler?.metadata.name }).toEqual({ name, scaledObject: name });
      expect(scaler!.spec.minReplicaCount).toBeGreaterThanOrEqual(1); // the outbox relay runs in the service
      expect(scaler!.spec.triggers.length).toBeGreaterThan(0);
      for (const trigger of scaler!.spec.triggers) {
        const { consumerGroup, topic, lagThreshold, bootstrapServers } = trigger.metadata;
        expect({ name, type: trigger.type, bootstrapServers, lagThreshold }).toEqual({
          name,
          type: 'kafka',
          bootstrapServers: (config.KAFKA_BROKERS as string[]).join(','),
          lagThreshold: expect.stringMatching(/^[1-9]\d*$/),
        });
        expect(allTopics()).toContain(topic);
        // the service's group or one of its named siblings (booking-commands, …)
        const group = config.KAFKA_GROUP_ID as string;
        expect({ name, consumerGroup, own: consumerGroup === group || consumerGroup.startsWith(`${group}-`) }).toEqual({
          name,
          consumerGroup,
          own: true,
        });
        // a replica beyond the topic's partitions would get none of them
        const { minReplicaCount: min, maxReplicaCount: max } = scaler!.spec;
        expect({ name, topic, min, max, withinPartitions: min <= max && max <= partitionsOf(topic) }).toEqual({
          name,
          topic,
          min,
          max,
          withinPartitions: true,
        });
      }
    }
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(['booking', 'call-processor', 'cost']);
    const [hpa, ...more] = ofKind(rendered.objects, 'HorizontalPodAutoscaler');
    expect(more).toEqual([]);
    expect(hpa!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ingress' });
    expect(hpa!.spec.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);
  });

  it('when a Deployment is drained, then a PodDisruptionBudget keeps all but one of its pods', () => {
    for (const [name, { deployment }] of rendered.deployments) {
      const labels = deployment.spec.template.metadata.labels as Record<string, string>;
      const budgets = ofKind(rendered.objects, 'PodDisruptionBudget').filter((b) => selects(b.spec.selector, labels));
      expect({ name, budgets: budgets.map((b) => b.spec.maxUnavailable) }).toEqual({ name, budgets: [1] });
    }
  });

  it("when the NetworkPolicies are read, then all is denied by default and from outside only ingress's webhook port (through the ingress controller) and each ops port (Prometheus) are reachable", () => {
    const policies = ofKind(rendered.objects, 'NetworkPolicy');
    const denyAll = policies.filter(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 &&
        [...p.spec.policyTypes].sort().join() === 'Egress,Ingress' &&
        p.spec.ingress === undefined &&
        p.spec.egress === undefined,
    );
    expect(denyAll).toHaveLength(1);
    const openings: string[] = [];
    for (const policy of policies) {
      const targets = [...rendered.deployments.keys()].filter((name) =>
        selects(policy.spec.podSelector, rendered.deployments.get(name)!.deployment.spec.template.metadata.labels),
      );
      for (const rule of policy.spec.ingress ?? []) {
        // no rule open to every source or on every port
        const bounded = (rule.from?.length ?? 0) > 0 && (rule.ports?.length ?? 0) > 0;
        expect({ policy: policy.metadata.name, bounded }).toEqual({ policy: policy.metadata.name, bounded: true });
        for (const peer of rule.from) {
          expect({ policy: policy.metadata.name, ipBlock: peer.ipBlock }).toEqual({ policy: policy.metadata.name });
          if (!peer.namespaceSelector) continue; // a pod of this namespace
          const from = `${peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name']}/${peer.podSelector?.matchLabels?.['app.kubernetes.io/name']}`;
          for (const target of targets.length > 0 ? targets : ['(no service)'])
            for (const port of rule.ports) openings.push(`${from} -> ${target}:${port.port}`);
        }
      }
      // out: addresses outside the cluster only for booking, to Cal.com over HTTPS
      for (const rule of policy.spec.egress ?? [])
        if ((rule.to ?? [undefined]).some((peer: { ipBlock?: unknown } | undefined) => !peer || peer.ipBlock))
          openings.push(
            `${targets.join('+')} -> internet:${(rule.ports ?? []).map((p: { port: number }) => p.port).join('+')}`,
          );
    }
    const ingress = rendered.deployments.get('ingress')!.config;
    const expected = [
      `ingress-nginx/ingress-nginx -> ingress:${ingress.PORT}`,
      ...[...rendered.deployments].map(([name, { config }]) => `monitoring/prometheus -> ${name}:${opsPortOf(config)}`),
      'booking -> internet:443',
    ];
    expect(openings.sort()).toEqual(expected.sort());
    // and the one public route leads to the webhook port, never the ops port
    for (const route of ofKind(rendered.objects, 'Ingress'))
      for (const rule of route.spec.rules)
        for (const path of rule.http.paths) {
          const service = named(rendered.objects, 'Service', path.backend.service.name);
          const port = service.spec.ports.find(
            (p: { name: string; port: number }) =>
              p.name === path.backend.service.port.name || p.port === path.backend.service.port.number,
          );
          const deployment = rendered.deployments.get(path.backend.service.name as ServiceName)!.deployment;
          expect(containerPort(deployment, port.targetPort)).toBe(ingress.PORT);
        }
  });
});
