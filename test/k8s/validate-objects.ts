/**
 * Validates rendered Kubernetes objects against their schemas: the OpenAPI schemas of Kubernetes
 * itself (kubernetes-models) and KEDA's CRDs (@kubernetes-models/keda); Strimzi's KafkaTopic, for
 * which no model package is installed, against the structure its CRD requires. A kind with no
 * schema here is a problem too, so a new kind of object cannot pass unchecked.
 *
 * ESM (this folder's package.json): both model packages export for `import` only, which jest's
 * CommonJS runtime cannot resolve, so test/k8s-manifests.test.ts runs this file with node:
 * a JSON array of objects on stdin, `[{ "object": "Kind/name", "problems": [...] }]` on stdout.
 */
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';

interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; labels?: Record<string, unknown> };
  spec?: Record<string, unknown>;
}

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** What Strimzi's KafkaTopic CRD (kafka.strimzi.io/v1beta2) requires and accepts, as far as we use it. */
function kafkaTopicProblems(topic: KubeObject): string[] {
  const problems: string[] = [];
  const spec = topic.spec;
  if (typeof topic.metadata?.labels?.['strimzi.io/cluster'] !== 'string')
    problems.push('metadata.labels["strimzi.io/cluster"] must name the Kafka cluster');
  if (!spec || typeof spec !== 'object') return [...problems, 'spec is required'];
  const known = new Set(['topicName', 'partitions', 'replicas', 'config']);
  for (const key of Object.keys(spec)) if (!known.has(key)) problems.push(`spec.${key} is not a KafkaTopic field`);
  if (typeof spec.topicName !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(spec.topicName))
    problems.push('spec.topicName must be a Kafka topic name');
  for (const field of ['partitions', 'replicas'] as const) {
    const value = spec[field];
    if (!Number.isInteger(value) || (value as number) < 1) problems.push(`spec.${field} must be an integer ≥ 1`);
  }
  const config = spec.config;
  if (config !== undefined) {
    if (typeof config !== 'object' || config === null || Array.isArray(config))
      problems.push('spec.config must be a map');
    else
      for (const [key, value] of Object.entries(config))
        if (!['string', 'number', 'boolean'].includes(typeof value))
          problems.push(`spec.config.${key} must be a scalar`);
  }
  return problems;
}

function problemsOf(object: KubeObject): string[] {
  const type = `${String(object.apiVersion)}/${String(object.kind)}`;
  if (type === 'kafka.strimzi.io/v1beta2/KafkaTopic') return kafkaTopicProblems(object);
  const model = MODELS[type];
  if (!model) return [`no schema for ${type}: add its model to test/k8s/validate-objects.ts`];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return String((error as Error).message)
      .split(', ')
      .map((problem) => problem.trim());
  }
}

const objects = JSON.parse(readFileSync(0, 'utf8')) as KubeObject[];
const results = objects.map((object) => ({
  object: `${String(object.kind)}/${String(object.metadata?.name)}`,
  problems: problemsOf(object),
}));
process.stdout.write(JSON.stringify(results));
