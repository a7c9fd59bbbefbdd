import { TOPICS } from '@rb/contracts';
import { allTopics, partitionsOf, topicConfigOf } from '../scripts/lib/topic-plan';
import { ConfigSchema as BookingSchema, parseConfig as parseBookingConfig } from '../services/booking/src/config';
import {
  ConfigSchema as CallProcessorSchema,
  parseConfig as parseCallProcessorConfig,
} from '../services/call-processor/src/config';
import { ConfigSchema as CostSchema, parseConfig as parseCostConfig } from '../services/cost/src/config';
import { ConfigSchema as IngressSchema, parseConfig as parseIngressConfig } from '../services/ingress/src/config';
import { runningGroups as bookingGroups } from '../services/booking/src/service';
import { consumerGroups as callProcessorGroups } from '../services/call-processor/src/service';
import { consumerGroups as costGroups } from '../services/cost/src/service';
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
  ingress: { parse: parseIngressConfig, settings: Object.keys(IngressSchema.shape), consumer: false },
  'call-processor': {
    parse: parseCallProcessorConfig,
    settings: Object.keys(CallProcessorSchema.shape),
    consumer: true,
  },
  booking: { parse: parseBookingConfig, settings: Object.keys(BookingSchema.shape), consumer: true },
  cost: { parse: parseCostConfig, settings: Object.keys(CostSchema.shape), consumer: true },
} as const;
type ServiceName = keyof typeof SERVICES;

/**
 * `<group> <topic>` for every topic each consumer group of a service reads, with the contracts'
 * topics (the services' defaults): where the services say it (booking's consumer-groups.ts,
 * call-processor's and cost's), so an autoscaler cannot watch a group on a topic it does not read.
 */
const GROUPS_READING: Record<ServiceName, (groupId: string) => string[]> = {
  ingress: () => [],
  'call-processor': (groupId) =>
    Object.values(callProcessorGroups({ KAFKA_GROUP_ID: groupId }, { retell: TOPICS.retellWebhookEvents })).flatMap(
      (g) => g.topics.map((topic) => `${g.groupId} ${topic}`),
    ),
  booking: (groupId) =>
    bookingGroups(
      { KAFKA_GROUP_ID: groupId },
      {
        intents: TOPICS.bookingIntents,
        directory: TOPICS.tenantDirectory,
        commands: TOPICS.bookingCommands,
        lifecycle: TOPICS.callLifecycle,
      },
    ).flatMap((g) => g.topics.map((topic) => `${g.groupId} ${topic}`)),
  cost: (groupId) =>
    Object.values(
      costGroups(
        { KAFKA_GROUP_ID: groupId },
        {
          directory: TOPICS.tenantDirectory,
          lifecycle: TOPICS.callLifecycle,
          intents: TOPICS.bookingIntents,
          outcomes: TOPICS.bookingOutcomes,
        },
      ),
    ).flatMap((g) => g.topics.map((topic) => `${g.groupId} ${topic}`)),
};

/**
 * What a container may set that no config schema holds, because Node or a library reads it from
 * the environment itself (nothing else in services/ reads process.env). Any other name must be a
 * key of the service's config schema: the schemas drop unknown keys, so a misspelled one would
 * pass unseen. Of the OpenTelemetry SDK that packages/observability's tracing uses, only the OTLP
 * exporter reads settings of its own from the environment; the rest is set in code from the config
 * (OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES would do nothing).
 */
const READ_OUTSIDE_CONFIG = [
  /^KAFKAJS_NO_PARTITIONER_WARNING$/, // kafkajs
  /^NODE_(ENV|OPTIONS)$/, // Node and express (the Dockerfile sets NODE_ENV)
  /^OTEL_EXPORTER_OTLP_(TRACES_)?(HEADERS|TIMEOUT|COMPRESSION|CERTIFICATE|CLIENT_CERTIFICATE|CLIENT_KEY)$/,
];

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

/** Each directory rendered once for all the tests that read it. */
const renders = new Map<string, Rendered>();
function renderedOf(dir: string): Rendered {
  if (!renders.has(dir)) renders.set(dir, renderAndParse(dir));
  return renders.get(dir)!;
}

/** The port /livez, /readyz and /metrics answer on: ingress's ops listener, the others' one listener. */
const opsPortOf = (config: Record<string, unknown>) => Number(config.OPS_PORT ?? config.PORT);

/** The Strimzi cluster and namespace a bootstrap address names (`<cluster>-kafka-bootstrap.<namespace>.svc:<port>`). */
function strimziClusterOf(broker: string): { cluster: string; namespace: string; port: number } {
  const found = /^([a-z0-9-]+)-kafka-bootstrap\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)$/.exec(broker);
  if (!found)
    throw new Error(`${broker} is no Strimzi bootstrap address (<cluster>-kafka-bootstrap.<namespace>.svc:<port>)`);
  return { cluster: found[1]!, namespace: found[2]!, port: Number(found[3]) };
}

/** Where the NetworkPolicies let pods connect outside their namespace: `<namespace>/<pod labels>:<ports>`. */
function egressElsewhere(objects: KubeObject[]): string[] {
  const peers: string[] = [];
  for (const policy of ofKind(objects, 'NetworkPolicy'))
    for (const rule of policy.spec.egress ?? [])
      for (const peer of rule.to ?? []) {
        const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        if (!namespace) continue; // this namespace's own pods, or an address block (booking's Cal.com)
        const labels = Object.entries((peer.podSelector?.matchLabels ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join(',');
        const ports = (rule.ports ?? []).map((p: { port: number }) => p.port).join('+');
        peers.push(`${namespace}/${labels}:${ports}`);
      }
  return [...new Set(peers)].sort();
}

const settingOf = (rendered: Rendered, setting: string) =>
  [...new Set([...rendered.deployments.values()].flatMap(({ config }) => config[setting] as string | string[]))].sort();

describe.each(['base', 'overlays/production', 'overlays/staging'])('deploy/k8s/%s', (dir) => {
  let rendered: Rendered;
  beforeAll(() => {
    requireKubectl();
    rendered = renderedOf(dir);
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

  it("when each Deployment's environment is listed, then every name is a setting of its service's config schema or one a library reads itself, so a misspelled name cannot pass unseen", () => {
    for (const [name, { env }] of rendered.deployments) {
      const unknown = [...Object.keys(env.values), ...Object.keys(env.secrets)].filter(
        (setting) =>
          !SERVICES[name].settings.includes(setting) && !READ_OUTSIDE_CONFIG.some((known) => known.test(setting)),
      );
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
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
        // and that group really reads that topic: the lag of a topic it does not read would be noise
        const read = `${consumerGroup} ${topic}`;
        expect({ name, read, real: GROUPS_READING[name](group).includes(read) }).toEqual({ name, read, real: true });
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

  it('when the Kafka settings are read, then the brokers, the KafkaTopics and the NetworkPolicies name one Strimzi cluster and one schema registry, both reachable', () => {
    const brokers = settingOf(rendered, 'KAFKA_BROKERS');
    const clusters = [...new Set(brokers.map((b) => JSON.stringify(strimziClusterOf(b))))];
    expect({ brokers, clusters: clusters.length }).toEqual({ brokers, clusters: 1 });
    const { cluster, namespace, port } = strimziClusterOf(brokers[0]!);
    // the Topic Operator of that cluster creates the topics
    const labelled = [
      ...new Set(ofKind(rendered.objects, 'KafkaTopic').map((t) => t.metadata.labels?.['strimzi.io/cluster'])),
    ];
    expect(labelled).toEqual([cluster]);
    const registries = settingOf(rendered, 'SCHEMA_REGISTRY_URL');
    expect(registries).toHaveLength(1);
    const registry = new URL(registries[0]!);
    const [registryService, registryNamespace] = registry.hostname.split('.');
    expect(egressElsewhere(rendered.objects)).toEqual(
      expect.arrayContaining([
        `${namespace}/strimzi.io/cluster=${cluster},strimzi.io/kind=Kafka:${port}`,
        `${registryNamespace}/app.kubernetes.io/name=${registryService}:${registry.port || 80}`,
      ]),
    );
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

describe('deploy/k8s overlays side by side', () => {
  const OVERLAYS = ['overlays/production', 'overlays/staging'];
  const pairs = OVERLAYS.flatMap((a, i) => OVERLAYS.slice(i + 1).map((b) => [a, b] as const));
  beforeAll(() => requireKubectl());

  /** Every consumer group with the brokers it lives on: the services' own and those their autoscalers watch. */
  function groupsOn(rendered: Rendered): string[] {
    const groups = [...rendered.deployments.values()].flatMap(({ config }) =>
      config.KAFKA_GROUP_ID === undefined
        ? []
        : (config.KAFKA_BROKERS as string[]).map((broker) => `${broker} ${String(config.KAFKA_GROUP_ID)}`),
    );
    for (const scaler of ofKind(rendered.objects, 'ScaledObject'))
      for (const { metadata } of scaler.spec.triggers)
        for (const broker of String(metadata.bootstrapServers).split(','))
          groups.push(`${broker} ${metadata.consumerGroup}`);
    return [...new Set(groups)].sort();
  }

  const topicsOf = (rendered: Rendered) =>
    ofKind(rendered.objects, 'KafkaTopic').map(
      (t) => `${t.metadata.labels?.['strimzi.io/cluster']} ${t.spec.topicName}`,
    );
  const shared = (a: string[], b: string[]) => a.filter((x) => b.includes(x));

  it.each(pairs)(
    'when %s and %s are rendered, then they share no consumer group on the same brokers, no KafkaTopic of one cluster, no schema registry, and no database, Redis or Kafka their pods may reach',
    (a, b) => {
      const [one, other] = [renderedOf(a), renderedOf(b)];
      expect({ groups: shared(groupsOn(one), groupsOn(other)) }).toEqual({ groups: [] });
      expect({ topics: shared(topicsOf(one), topicsOf(other)) }).toEqual({ topics: [] });
      const registries = (r: Rendered) => settingOf(r, 'SCHEMA_REGISTRY_URL');
      expect({ registries: shared(registries(one), registries(other)) }).toEqual({ registries: [] });
      // DNS is the cluster's own and shared by design; everything else that holds state is not
      const stateful = (r: Rendered) => egressElsewhere(r.objects).filter((peer) => !peer.startsWith('kube-system/'));
      expect({ reachable: shared(stateful(one), stateful(other)) }).toEqual({ reachable: [] });
    },
  );
});
