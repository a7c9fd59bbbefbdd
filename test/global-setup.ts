/**
 * Finds the real servers the integration tests run against, per dependency:
 * 1. an environment variable that is set wins (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL, DATABASE_URL);
 * 2. else, where a Docker engine exists, testcontainers starts one;
 * 3. else the local servers that `scripts/infra.sh up` runs on 127.0.0.1.
 * The resolved addresses are exported to the jest workers through the environment.
 */
import { connect } from 'node:net';

interface Started {
  stop(): Promise<unknown>;
}
const started: Started[] = [];

const LOCAL = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
};
type Dependency = keyof typeof LOCAL;

async function dockerAvailable(): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainer(dependency: Dependency): Promise<string> {
  const tc = await import('testcontainers');
  switch (dependency) {
    case 'KAFKA_BROKERS': {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.1').withKraft().start();
      started.push(kafka);
      return `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    }
    case 'SCHEMA_REGISTRY_URL': {
      const registry = await new tc.GenericContainer('apicurio/apicurio-registry:3.3.3')
        .withExposedPorts(8080)
        .withWaitStrategy(tc.Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
        .start();
      started.push(registry);
      return `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`;
    }
    case 'REDIS_URL': {
      const redis = await new tc.GenericContainer('redis:7.4.2').withExposedPorts(6379).start();
      started.push(redis);
      return `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
    }
    case 'DATABASE_URL': {
      const pg = await new tc.GenericContainer('postgres:16.6')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      started.push(pg);
      return `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;
    }
  }
}

function reachable(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const hostPortOf = (value: string) => (value.includes('://') ? new URL(value).host : value.split(',')[0]!);

export default async function globalSetup(): Promise<void> {
  const missing = (Object.keys(LOCAL) as Dependency[]).filter((d) => !process.env[d]);
  const docker = missing.length > 0 && (await dockerAvailable());
  for (const dependency of missing) {
    process.env[dependency] = docker ? await startContainer(dependency) : LOCAL[dependency];
  }
  const down: string[] = [];
  for (const dependency of Object.keys(LOCAL) as Dependency[]) {
    if (!(await reachable(hostPortOf(process.env[dependency]!)))) down.push(`${dependency}=${process.env[dependency]}`);
  }
  if (down.length > 0) {
    throw new Error(
      `integration tests need real servers, and these are not reachable: ${down.join(', ')}. ` +
        'Start them with `bash scripts/infra.sh up` (or set the variables to servers you run).',
    );
  }
  (globalThis as { __STARTED_CONTAINERS__?: Started[] }).__STARTED_CONTAINERS__ = started;
}
