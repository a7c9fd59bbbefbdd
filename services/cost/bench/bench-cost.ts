/**
 * cost benchmark, in-process against the real broker, PostgreSQL and registry:
 *  A. throughput: the three call topics pre-filled with N calls × 4 events (call.ended.v1,
 *     call.analysed.v1 with Retell's later figure, the booking intent, booking.confirmed.v1) of
 *     tenants half of which buy through a reseller, consumed from the start by the service as it
 *     runs in production: events/s until the last is handled, then until every cost event is published;
 *  B. the company-month report (GET /reports?by=company&period=month through the HTTP API) over a
 *     ledger of 1,000,000 entries: p50/p95/p99 of 200 requests for random company-months.
 * Usage: pnpm bench:cost [calls=5000] [ledger entries=1000000] [companies=50]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { Message } from 'kafkajs';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import {
  BookingIntentEventSchema,
  BookingOutcomeV1Schema,
  CallLifecycleEventSchema,
  DIRECTORY_ENTITY_CHANGED_V1,
  DirectoryEntityChangedV1Schema,
  frameJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { typeormTransactions } from '@rb/kafka-runner';
import { percentile, waitUntilNoneLeft } from '../../../test/support/bench';
import { parseConfig } from '../src/config';
import { importEcbRates } from '../src/exchange-rates/import-ecb-rates';
import { makeDataSource } from '../src/infra/db/migrations';
import type { CostTopics, RunningCost } from '../src/service';
import { startCost } from '../src/service';
import { callEvents, tenant } from '../test/cost-harness';

const [CALLS, LEDGER_ENTRIES, COMPANIES] = [
  Number(process.argv[2] ?? 5000),
  Number(process.argv[3] ?? 1_000_000),
  Number(process.argv[4] ?? 50),
];
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 12);
const TENANTS = 20;
const ROOT = join(__dirname, '..', '..', '..');
const SHARED = process.env.SHARED_DIR ?? join(ROOT, '..', 'shared');
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 60_000);
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const kafka = new Kafka({ clientId: 'bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
const topics: CostTopics = {
  lifecycle: `bench.cost-lifecycle.${run}`,
  intents: `bench.cost-intents.${run}`,
  outcomes: `bench.cost-outcomes.${run}`,
  directory: `bench.cost-directory.${run}`,
  costs: `bench.cost-costs.${run}`,
};
const TOKEN = `bench_${randomBytes(16).toString('hex')}`;

const pct = percentile;

const waitFor = (what: string, remaining: () => number | Promise<number>, everyMs: number) =>
  waitUntilNoneLeft(what, remaining, everyMs, STALL_MS);

/** Plans as an operator would set them: the platform's list price, a wholesale and a retail price per reseller. */
async function seedPrices(db: DataSource, resellerIds: string[]): Promise<void> {
  const plan = (seller: string, kind: string, buyer: string | null, unit: string, price: string) =>
    db.query(
      `INSERT INTO plans (id, seller, buyer_kind, buyer_id, currency, unit, price_per_unit, minimum_per_connected_call,
         fee_per_confirmed_booking, monthly_fee, included_minutes, valid_from, valid_until, created_at, created_by)
       VALUES ($1, $2, $3, $4, 'EUR', $5, $6, '0.10', '0.50', '49', 100, '2024-01-01T00:00:00Z', NULL, now(), 'bench')`,
      [randomUUID(), seller, kind, buyer, unit, price],
    );
  await plan('platform', 'default', null, 'per_started_minute', '0.19');
  for (const id of resellerIds) {
    await plan('platform', 'reseller', id, 'per_second', '0.0022');
    await plan(id, 'default', null, 'per_started_minute', '0.24');
  }
}

/** Registry-framed messages with CloudEvents headers, as their producers write them. */
function message(schemaId: number, key: string, id: string, type: string, value: unknown): Message {
  return {
    key,
    value: frameJson(schemaId, Buffer.from(JSON.stringify(value))),
    headers: toKafkaHeaders({ id, type, source: '/bench', time: new Date().toISOString() }),
  };
}

type Tenant = ReturnType<typeof tenant>;

async function prefill(tenants: readonly Tenant[]): Promise<number> {
  const ids = {
    lifecycle: await registerValueSchema(REGISTRY, topics.lifecycle, CallLifecycleEventSchema),
    intents: await registerValueSchema(REGISTRY, topics.intents, BookingIntentEventSchema),
    outcomes: await registerValueSchema(REGISTRY, topics.outcomes, BookingOutcomeV1Schema),
    directory: await registerValueSchema(REGISTRY, topics.directory, DirectoryEntityChangedV1Schema),
  };
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const entities: DirectoryEntityChangedV1[] = tenants.flatMap((t) => t.entities);
  await producer.send({
    topic: topics.directory,
    acks: -1,
    messages: entities.map((e) => message(ids.directory, e.id, `${e.id}:1`, DIRECTORY_ENTITY_CHANGED_V1, e)),
  });
  for (let i = 0; i < CALLS; i += 50) {
    const batch = Array.from({ length: Math.min(50, CALLS - i) }, (_, j) => {
      const n = i + j;
      const start = new Date(Date.UTC(2024, 5, 28, 6, 0, 0) + (n % 36_000) * 1000).toISOString();
      return callEvents(tenants[n % TENANTS]!.attribution, {
        callId: `call_bench_${run}_${n}`,
        startedAt: start,
        durationMs: 30_000 + (n % 300) * 1000,
      });
    });
    const of = (e: { callId: string; type: string }) => [e.callId, `${e.callId}:${e.type}`, e.type] as const;
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic: topics.lifecycle,
          messages: batch.flatMap((c) => [c.ended(), c.analysed(null)].map((e) => message(ids.lifecycle, ...of(e), e))),
        },
        { topic: topics.intents, messages: batch.map((c) => c.intent()).map((e) => message(ids.intents, ...of(e), e)) },
        {
          topic: topics.outcomes,
          messages: batch.map((c) => c.confirmed()).map((e) => message(ids.outcomes, ...of(e), e)),
        },
      ],
    });
  }
  await producer.disconnect();
  return CALLS * 4;
}

/** B's ledger: LEDGER_ENTRIES entries of 12 per call, spread over COMPANIES companies and every day of 2024. */
async function fillLedger(db: DataSource): Promise<string[]> {
  const companies = Array.from({ length: COMPANIES }, () => randomUUID());
  await db.query(
    `INSERT INTO ledger_entries (call_id, revision, cause, kind, component, currency, amount, amount_eur, company_id,
       reseller_id, branch_id, phone_number_id, service_id, staff_id, call_day, rate_date, usd_per_eur)
     SELECT 'call_fill_' || (g / 12), 1, 'costed', k.kind, k.component, k.currency, (g % 97)::numeric / 100,
            (g % 89)::numeric / 100, c.id, NULL, c.id, c.id, NULL, NULL,
            DATE '2024-01-01' + ((g / 12) % 366)::int, DATE '2024-01-01' + ((g / 12) % 366)::int, 1.0705
       FROM generate_series(0, $1::int - 1) AS g
       CROSS JOIN LATERAL (SELECT ($2::uuid[])[(g / 12) % $3::int + 1] AS id) AS c
       CROSS JOIN LATERAL (SELECT (ARRAY['call','connected_seconds','confirmed_bookings','alternative_bookings','base_cost',
              'base_cost','base_cost','wholesale','wholesale','retail','retail','platform_profit'])[g % 12 + 1] AS kind,
              (ARRAY['','','','','llm','tts','platform','usage','booking_fees','usage','booking_fees',''])[g % 12 + 1] AS component,
              (ARRAY['','','','','USD','USD','USD','EUR','EUR','EUR','EUR','EUR'])[g % 12 + 1] AS currency) AS k`,
    [LEDGER_ENTRIES, companies, COMPANIES],
  );
  await db.query('VACUUM ANALYZE ledger_entries');
  return companies;
}

/** B: the company-month report through the HTTP API, for random company-months of 2024. */
async function timeReports(url: string, companies: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    const month = String(1 + (i % 12)).padStart(2, '0');
    const last = new Date(Date.UTC(2024, Number(month), 0)).getUTCDate();
    const company = companies[(i * 7) % companies.length]!;
    const query = `by=company&period=month&from=2024-${month}-01&to=2024-${month}-${last}&companyId=${company}`;
    const started = performance.now();
    const response = await fetch(`${url}/reports?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { rows?: unknown[] };
    if (response.status !== 200 || body.rows?.length !== 1)
      throw new Error(`report answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
    if (i >= 20) times.push(performance.now() - started); // the first 20 warm the connection and caches
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dbName = `cost_bench_${run}`;
  const admin = new DataSource({ type: 'postgres', url: SERVER });
  await admin.initialize();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const consumed = [topics.lifecycle, topics.intents, topics.outcomes, topics.directory];
  await kafkaAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      ...[topics.lifecycle, topics.intents, topics.outcomes, topics.costs].map((topic) => ({
        topic,
        numPartitions: PARTITIONS,
      })),
      { topic: topics.directory },
      ...consumed.map((t) => ({ topic: `${t}.dlq` })),
    ],
  });
  let service: RunningCost | undefined;
  const db = makeDataSource(url.toString());
  try {
    await db.initialize();
    await typeormTransactions(db)((sql) =>
      importEcbRates(sql, readFileSync(join(SHARED, 'cost', 'ecb-eurofxref-daily.2024-06-28.xml'), 'utf8'), new Date()),
    );
    const tenants = Array.from({ length: TENANTS }, (_, i) => tenant({ reseller: i % 2 === 0 }));
    await seedPrices(
      db,
      tenants.flatMap((t) => (t.resellerId ? [t.resellerId] : [])),
    );
    const events = await prefill(tenants);
    const config = parseConfig({
      ...process.env,
      DATABASE_URL: url.toString(),
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY,
      KAFKA_GROUP_ID: `bench-${run}`,
      ADMIN_TOKEN: TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      CONSUMER_CONCURRENCY: String(PARTITIONS),
    });
    if (config.kind === 'invalid') throw new Error(`bad configuration: ${config.problems.join('; ')}`);
    let done = 0;
    const outcomes = new Map<string, number>();
    const starting = performance.now();
    service = await startCost(config.config, {
      topics,
      onOutcome: (r) => {
        outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        if (r.topic !== topics.directory && r.outcome !== 'retried' && r.outcome !== 'paused') done++;
      },
    });
    const started = performance.now();
    await waitFor('events to cost', () => events - done, 20);
    const consumedSeconds = (performance.now() - started) / 1000;
    await waitFor('cost events to publish', () => service!.outboxPending(), 50);
    const publishedSeconds = (performance.now() - started) / 1000;
    const [costed] = (await db.query(
      `SELECT count(*) FILTER (WHERE status = 'costed') AS costed, count(*) FILTER (WHERE status = 'pending') AS pending,
              (SELECT count(*) FROM ledger_entries) AS entries FROM call_costings`,
    )) as { costed: string; pending: string; entries: string }[];

    const companies = await fillLedger(db);
    const times = await timeReports(service.url, companies);
    const [entries] = (await db.query('SELECT count(*) AS n FROM ledger_entries')) as { n: string }[];
    const result = {
      calls: CALLS,
      events,
      startUpSeconds: +((started - starting) / 1000).toFixed(2),
      consumedSeconds: +consumedSeconds.toFixed(2),
      eventsPerSecond: Math.round(events / consumedSeconds),
      publishedSeconds: +publishedSeconds.toFixed(2),
      outcomes: Object.fromEntries(outcomes),
      costings: costed,
      report: {
        ledgerEntries: Number(entries!.n),
        companies: COMPANIES,
        requests: times.length,
        ms: {
          p50: +pct(times, 50).toFixed(1),
          p95: +pct(times, 95).toFixed(1),
          p99: +pct(times, 99).toFixed(1),
          max: +times.at(-1)!.toFixed(1),
        },
      },
    };
    console.log(`\ncost benchmark (in-process; broker, PostgreSQL, registry on the same 2-core machine)`);
    console.log(
      `A. pre-filled: ${events} events (${CALLS} calls × 4) costed in ${result.consumedSeconds} s = ${result.eventsPerSecond} events/s (target >= 2,000); cost events published by ${result.publishedSeconds} s; start-up ${result.startUpSeconds} s`,
    );
    console.log(
      `   calls costed ${costed!.costed}, pending ${costed!.pending}, ledger entries ${costed!.entries}; outcomes ${JSON.stringify(result.outcomes)}`,
    );
    console.log(
      `B. company-month report over ${result.report.ledgerEntries} ledger entries (${COMPANIES} companies, 2024): p50 ${result.report.ms.p50} ms, p95 ${result.report.ms.p95} ms (target <= 200), p99 ${result.report.ms.p99} ms, max ${result.report.ms.max} ms (${times.length} requests)`,
    );
    mkdirSync(join(ROOT, '.run'), { recursive: true });
    writeFileSync(join(ROOT, '.run', 'bench-cost.json'), JSON.stringify(result, null, 2));
  } finally {
    await service?.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await kafkaAdmin
      .deleteTopics({ topics: [...Object.values(topics), ...consumed.map((t) => `${t}.dlq`)] })
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
