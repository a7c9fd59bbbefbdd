/**
 * call-processor benchmark, in-process against the real broker, PostgreSQL and registry:
 *  A. throughput: a topic pre-filled with N calls × 3 Retell events (started, ended, analysed with a
 *     wish, so each call also emits its booking intent), consumed from the start: events/s until the
 *     last one is processed, and SQL statements per event;
 *  B. latency: events produced at a steady rate while consuming; the age of each emitted lifecycle
 *     event (its broker timestamp on the output topic minus when its Retell event was produced).
 * Usage: pnpm bench:call-processor [calls=2000] [steady events/s=300] [steady seconds=10]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Kafka, logLevel } from 'kafkajs';
import {
  DirectoryEntityChangedV1Schema,
  makeRegistryEncoder,
  registerValueSchema,
  RetellWebhookEventValueSchema,
} from '@rb/contracts';
import type { Sql, Transactions } from '@rb/kafka-runner';
import { typeormTransactions } from '@rb/kafka-runner';
import { percentile, waitUntilNoneLeft } from '../../../test/support/bench';
import { parseConfig } from '../src/config';
import { makeDataSource } from '../src/infra/db/data-source';
import type { CallProcessorTopics, RunningCallProcessor } from '../src/service';
import { startCallProcessor } from '../src/service';
import { makeImportTenantsFile } from '../src/tenant-directory/import-tenants-file';
import { storedRetellEvent } from '../test/call-processor-harness';

const [CALLS, RATE, STEADY_SECONDS] = [
  Number(process.argv[2] ?? 2000),
  Number(process.argv[3] ?? 300),
  Number(process.argv[4] ?? 10),
];
/** partitions of the benchmark topics, consumed all at once (the service default is 1 at a time) */
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 12);
/** events of a partition per transaction, as the service's CONSUMER_CHUNK_SIZE (default 100) */
const CHUNK = Number(process.env.BENCH_CHUNK ?? 100);
const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(process.env.SHARED_DIR ?? join(ROOT, '..', 'shared'), 'retell', 'fixtures');
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const kafka = new Kafka({ clientId: 'bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
const topics: CallProcessorTopics = {
  retell: `bench.retell.${run}`,
  lifecycle: `bench.lifecycle.${run}`,
  intents: `bench.intents.${run}`,
  directory: `bench.directory.${run}`,
};
/** a wait whose value has not moved for this long fails the benchmark instead of hanging it */
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 60_000);

const templates = [
  '01-call_started.salon-inbound.json',
  '02-call_ended.salon-inbound.json',
  '03-call_analyzed.salon-inbound.json',
].map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
const originalId = (JSON.parse(templates[0]!) as { call: { call_id: string } }).call.call_id;

/** one call's three events; every call from its own caller, as in real traffic */
function callEvents(schemaId: number, callId: string, caller: number) {
  return templates.map((t) => {
    const from = `+49176${String(caller % 100_000_000).padStart(8, '0')}`;
    const body = JSON.parse(t.split(originalId).join(callId).split('+4917612345678').join(from)) as {
      event: string;
      call: { call_id: string; call_analysis?: { custom_analysis_data: Record<string, unknown> } };
    };
    if (body.call.call_analysis) body.call.call_analysis.custom_analysis_data.termin_gebucht = false;
    return storedRetellEvent(schemaId, body, '/bench');
  });
}

const pct = percentile;

const waitFor = (what: string, remaining: () => number | Promise<number>, everyMs: number) =>
  waitUntilNoneLeft(what, remaining, everyMs, STALL_MS);

async function main(): Promise<void> {
  const dbName = `call_processor_bench_${run}`;
  const admin = new DataSource({ type: 'postgres', url: SERVER });
  await admin.initialize();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  // everything the service writes goes to the benchmark's own topics, created here: the relay
  // never creates a topic, so a row for a missing one would wait for ever
  await kafkaAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      ...[topics.retell, topics.lifecycle, topics.intents].map((topic) => ({ topic, numPartitions: PARTITIONS })),
      { topic: topics.directory },
      { topic: `${topics.retell}.dlq` },
    ],
  });
  let service: RunningCallProcessor | undefined;
  try {
    // the directory first (migrations, the example tenants), so the first event finds its business
    const encodeDirectory = await makeRegistryEncoder(REGISTRY, { [topics.directory]: DirectoryEntityChangedV1Schema });
    const setup = makeDataSource(url.toString());
    await setup.initialize();
    const imported = await makeImportTenantsFile({
      transactions: typeormTransactions(setup),
      topic: topics.directory,
      encode: (e) => encodeDirectory(topics.directory, e),
      clock: () => new Date(),
      source: '/bench',
    })(readFileSync(join(ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'));
    await setup.destroy();
    if (imported.kind !== 'imported') throw new Error('example tenants did not import');
    const config = parseConfig({
      ...process.env,
      DATABASE_URL: url.toString(),
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY,
      KAFKA_GROUP_ID: `bench-${run}`,
      ADMIN_TOKEN: `bench_${randomBytes(16).toString('hex')}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      CONSUMER_CONCURRENCY: String(PARTITIONS),
      CONSUMER_CHUNK_SIZE: String(CHUNK),
    });
    if (config.kind === 'invalid') throw new Error(`bad configuration: ${config.problems.join('; ')}`);

    let statements = 0;
    const counting =
      (transactions: Transactions): Transactions =>
      (work) =>
        transactions((sql) =>
          work({ query: <R>(t: string, p?: unknown[]) => (statements++, sql.query<R>(t, p)) } as Sql),
        );
    let done = 0;
    const outcomes = new Map<string, number>();

    // A. pre-filled topic
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const inputId = await registerValueSchema(REGISTRY, topics.retell, RetellWebhookEventValueSchema);
    for (let i = 0; i < CALLS; i += 10) {
      const messages = Array.from({ length: Math.min(10, CALLS - i) }, (_, j) =>
        callEvents(inputId, `call_bench_${run}_${i + j}`, i + j),
      ).flat();
      await producer.send({ topic: topics.retell, acks: -1, messages });
    }
    const total = CALLS * 3;
    const startingService = performance.now();
    // timed from the moment the service's runner creates its consumer (joining the group included),
    // the interval earlier versions of this benchmark timed; the service's start-up before it is
    // printed apart
    let started: number | undefined;
    const timedKafka = Object.create(kafka, {
      consumer: {
        writable: true,
        value: (...args: Parameters<Kafka['consumer']>) => {
          started ??= performance.now();
          return kafka.consumer(...args);
        },
      },
    }) as Kafka;
    // the service as it runs in production, reading and writing the benchmark's topics
    service = await startCallProcessor(config.config, {
      kafka: timedKafka,
      topics,
      consumerTransactions: counting,
      onOutcome: (r) => {
        outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        if (r.outcome !== 'retried' && r.outcome !== 'paused') done++;
      },
    });
    await waitFor('events to consume', () => total - done, 20);
    if (started === undefined) throw new Error('the service never created its consumer');
    const startUpSeconds = (started - startingService) / 1000;
    const consumedSeconds = (performance.now() - started) / 1000;
    await waitFor('outbox rows to publish', () => service!.outboxPending(), 50);
    const emittedSeconds = (performance.now() - started) / 1000;
    const statementsPerEvent = statements / total;

    // B. steady rate; ages measured on the output topic
    const sentAt = new Map<string, number>();
    const ages: number[] = [];
    const reader = kafka.consumer({ groupId: `bench-reader-${run}`, maxWaitTimeInMs: 50 });
    await reader.connect();
    await reader.subscribe({ topics: [topics.lifecycle] });
    await reader.run({
      eachMessage: async ({ message }) => {
        const cause = message.headers?.causationid?.toString();
        const at = cause ? sentAt.get(cause) : undefined;
        if (at !== undefined) ages.push(Number(message.timestamp) - at);
      },
    });
    await new Promise((r) => setTimeout(r, 2_000)); // reader joined
    const steadyCalls = Math.round((RATE / 3) * STEADY_SECONDS);
    const steadyStart = Date.now();
    for (let i = 0; i < steadyCalls; i++) {
      const due = steadyStart + (i * 3 * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const messages = callEvents(inputId, `call_steady_${run}_${i}`, CALLS + i);
      for (const m of messages) sentAt.set(String(m.headers.ce_id), Date.now());
      await producer.send({ topic: topics.retell, acks: -1, messages });
    }
    const deadline = Date.now() + 30_000;
    while (ages.length < steadyCalls * 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ages.sort((a, b) => a - b);
    await reader.disconnect();
    await producer.disconnect();
    await service.stop();
    service = undefined;

    const result = {
      calls: CALLS,
      events: total,
      startUpSeconds: +startUpSeconds.toFixed(2),
      consumedSeconds: +consumedSeconds.toFixed(2),
      eventsPerSecond: Math.round(total / consumedSeconds),
      emittedSeconds: +emittedSeconds.toFixed(2),
      statementsPerEvent: +statementsPerEvent.toFixed(2),
      outcomes: Object.fromEntries(outcomes),
      steady: {
        eventsPerSecond: RATE,
        seconds: STEADY_SECONDS,
        lifecycleEvents: ages.length,
        ageMs: { p50: pct(ages, 50), p95: pct(ages, 95), p99: pct(ages, 99), max: ages.at(-1) },
      },
    };
    console.log(`\ncall-processor benchmark (in-process; broker, PostgreSQL, registry on the same 2-core machine)`);
    console.log(
      `A. pre-filled: ${total} events (${CALLS} calls) consumed in ${result.consumedSeconds} s = ${result.eventsPerSecond} events/s (target >= 2,000); outbox published by ${result.emittedSeconds} s; the service's start-up before its consumer: ${result.startUpSeconds} s`,
    );
    console.log(
      `   SQL statements per event (besides BEGIN/COMMIT): ${result.statementsPerEvent} (target <= 4); outcomes ${JSON.stringify(result.outcomes)}`,
    );
    console.log(
      `B. steady ${RATE} events/s for ${STEADY_SECONDS} s: lifecycle event age at emit p50 ${result.steady.ageMs.p50} ms, p95 ${result.steady.ageMs.p95} ms, p99 ${result.steady.ageMs.p99} ms (${ages.length} events)`,
    );
    mkdirSync(join(ROOT, '.run'), { recursive: true });
    writeFileSync(join(ROOT, '.run', 'bench-call-processor.json'), JSON.stringify(result, null, 2));
  } finally {
    await service?.stop().catch(() => undefined);
    await kafkaAdmin
      .deleteTopics({ topics: [...Object.values(topics), `${topics.retell}.dlq`] })
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
