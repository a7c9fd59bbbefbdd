import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { Registry } from 'prom-client';
import {
  BookingIntentEventSchema,
  CallLifecycleEventSchema,
  DirectoryEntityChangedV1Schema,
  makeRegistryEncoder,
  TOPICS,
} from '@rb/contracts';
import type { OutcomeReport, Transactions } from '@rb/kafka-runner';
import { ConsumerRunner, InboxRetention, OutboxRelay, typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import type { Logger } from '@rb/observability';
import {
  adminTokensOf,
  ConsumerLag,
  createLogger,
  createMetricsRegistry,
  Liveness,
  makeConsumerMetrics,
} from '@rb/observability';
import { makeCallProcessorMetrics } from './call-processor-metrics';
import { makeRecordCallEvent } from './call-records/record-call-event';
import type { Config } from './config';
import { consumerGroups } from './consumer-groups';
import { makeFindCustomer } from './customers/find-customer';
import { watchConsumers } from './entry-points/health/consumer-watch';
import { Readiness, selectOne } from './entry-points/health/readiness';
import { makeApp } from './entry-points/http/app';
import { makeDataSource } from './infra/db/data-source';
import { QueryPool } from './infra/db/query-pool';
import { DirectoryCache } from './tenant-directory/directory-cache';
import { makeDirectoryAdmin } from './tenant-directory/directory-admin';
import { makeImportTenantsFile } from './tenant-directory/import-tenants-file';

/** the consumer group call-processor runs and the topic it reads (for the deploy/k8s test) */
export { consumerGroups } from './consumer-groups';

/** The outbox relay's advisory lock: one publishing replica per call-processor database. */
const OUTBOX_LOCK_ID = 0x0ca11;
const SOURCE = '/retell-booking/call-processor';

/** Where call-processor reads and writes; the contract topics unless a test or benchmark says otherwise. */
export interface CallProcessorTopics {
  retell: string;
  lifecycle: string;
  intents: string;
  directory: string;
}

/** What tests and benchmarks vary; everything else comes from the config. */
export interface CallProcessorOverrides {
  log?: Logger;
  /** the service cannot go on (its consumer stopped for good): main exits non-zero, a test fails */
  onFatal?: (reason: string) => void;
  topics?: Partial<CallProcessorTopics>;
  /** the Kafka client (tests: a wrapper that injects faults) */
  kafka?: Kafka;
  /** wraps the consumer's transactions (the benchmark and a test count their statements) */
  consumerTransactions?: (transactions: Transactions) => Transactions;
  /** each consumed message's outcome, besides the metrics */
  onOutcome?: (report: OutcomeReport) => void;
  /** the consumer's retry backoff (tests shorten it) */
  backoff?: { initialMs: number; maxMs: number };
  clock?: () => Date;
}

export interface RunningCallProcessor {
  /** the HTTP listener (health, metrics, admin API, internal query API), e.g. http://127.0.0.1:3001 */
  url: string;
  registry: Registry;
  /** outbox rows still to publish */
  outboxPending(): Promise<number>;
  /** graceful: not ready → server closed → consuming stopped → outbox flushed → connections closed */
  stop(): Promise<void>;
}

/**
 * call-processor, wired: the Retell events consumer (call records, lifecycle events and booking
 * intents into the outbox), the outbox relay, inbox pruning, the in-memory directory, and the HTTP
 * server (health, metrics, admin API, and the internal query API when QUERY_TOKENS has tokens). The
 * only place that wires things together.
 */
export async function startCallProcessor(
  config: Config,
  overrides: CallProcessorOverrides = {},
): Promise<RunningCallProcessor> {
  const log = overrides.log ?? createLogger({ service: 'call-processor', level: config.LOG_LEVEL });
  const clock = overrides.clock ?? (() => new Date());
  const topics: CallProcessorTopics = {
    retell: TOPICS.retellWebhookEvents,
    lifecycle: TOPICS.callLifecycle,
    intents: TOPICS.bookingIntents,
    directory: TOPICS.tenantDirectory,
    ...overrides.topics,
  };
  const registry = createMetricsRegistry('call-processor');
  const consumerMetrics = makeConsumerMetrics(registry);
  const metrics = makeCallProcessorMetrics(registry);

  const dataSource = makeDataSource(config.DATABASE_URL, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  await dataSource.initialize();
  const transactions = typeormTransactions(dataSource);
  // the internal query API's own connections, which the consumer cannot take (none without tokens)
  const queries =
    config.QUERY_TOKENS.length > 0
      ? new QueryPool(config.DATABASE_URL, config.DATABASE_QUERY_POOL_SIZE, (error) =>
          log.warn({ err: error.message }, 'a query connection failed; a new one is opened when needed'),
        )
      : undefined;
  await queries?.open();
  const kafka =
    overrides.kafka ??
    new Kafka({ clientId: 'call-processor', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const encode = await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, {
    [topics.lifecycle]: CallLifecycleEventSchema,
    [topics.intents]: BookingIntentEventSchema,
    [topics.directory]: DirectoryEntityChangedV1Schema,
  });

  const directory = new DirectoryCache({
    transactions,
    databaseUrl: config.DATABASE_URL,
    reloadEveryMs: config.DIRECTORY_RELOAD_MS,
    onReload: (numbers) => metrics.directoryNumbers.set(numbers),
    onError: (error) => {
      metrics.directoryReloadErrors.inc();
      log.warn({ err: error.message }, 'directory reload failed; keeping the previous one');
    },
  });
  await directory.start();

  const relay = new OutboxRelay({ kafka, transactions, lockId: OUTBOX_LOCK_ID });
  consumerMetrics.watchRelay(relay, log);
  await relay.start();
  const inbox = new InboxRetention({
    sql: typeormAutocommit(dataSource),
    retainMs: config.INBOX_RETENTION_DAYS * 24 * 3600_000,
  });
  inbox.on('pruned', (rows: number) => log.info({ rows }, 'old inbox rows deleted'));
  inbox.on('pruneFailed', (error: Error) => log.warn({ err: error.message }, 'inbox pruning failed; next round later'));
  inbox.start();

  // readiness asks whether the runner's consumer is in its group (not crashed, not restarting)
  const consumerWatch = watchConsumers(kafka);
  const groups = consumerGroups(config, topics);
  const runner = new ConsumerRunner({
    kafka: consumerWatch.kafka,
    ...groups.calls,
    fromBeginning: true,
    transactions: overrides.consumerTransactions?.(transactions) ?? transactions,
    maxAttempts: config.MAX_ATTEMPTS,
    ...(overrides.backoff ? { backoff: overrides.backoff } : {}),
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    handler: makeRecordCallEvent({
      directory: () => directory.directory,
      encode,
      source: SOURCE,
      clock,
      onUnrouted: (reason) => metrics.unrouted.inc({ reason }),
      topics: { lifecycle: topics.lifecycle, intents: topics.intents },
    }),
    onOutcome: (report) => {
      consumerMetrics.onOutcome(report);
      overrides.onOutcome?.(report);
      if (report.error)
        log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'message not processed');
    },
    afterCommit: () => relay.nudge(),
    // a crash (the broker restarting, its coordinator away) rebuilds the consumer after a backoff
    onRestart: consumerMetrics.restartReporter(log),
  });
  await runner.start();
  // kafka_consumer_lag of its group (every replica measures it alike)
  const lag = new ConsumerLag({
    admin: () => kafka.admin(),
    groups: Object.values(groups),
    registry,
    intervalMs: config.KAFKA_LAG_INTERVAL_MS,
    log,
  }).start();
  const readiness = new Readiness({ pingDatabase: selectOne(dataSource), consumerRunning: consumerWatch.running });
  await readiness.start();
  // not live once the event loop was blocked for long, or the consumer stopped for good
  const liveness = new Liveness().start();
  // only a configuration error (authorization, an option the broker refuses) ends consuming: a
  // ready-looking process that consumes nothing must not stay, so it is not live and exits non-zero
  runner.onCrash((error, restarting) => {
    if (restarting) return;
    liveness.fail('consumer_stopped');
    log.error({ err: error.message }, 'consumer stopped by a configuration error; exiting');
    overrides.onFatal?.('consumer_stopped');
  });

  let draining = false;
  const directoryDeps = {
    transactions,
    topic: topics.directory,
    encode: (e: unknown) => encode(topics.directory, e),
    clock,
    source: SOURCE,
  };
  const app = makeApp({
    importTenantsFile: makeImportTenantsFile(directoryDeps),
    administer: makeDirectoryAdmin(directoryDeps),
    adminTokens: adminTokensOf(config),
    internal: queries && {
      queryTokens: config.QUERY_TOKENS,
      findCustomer: makeFindCustomer({ sql: queries }),
      onCustomerLookup: (outcome, seconds) => {
        metrics.customerLookups.inc({ outcome });
        if (seconds !== undefined) metrics.customerLookupSeconds.observe(seconds);
      },
    },
    health: {
      isLive: liveness.isLive,
      notReady: () => (draining ? ['draining'] : [...readiness.notReady(), ...(relay.stalled() ? ['outbox'] : [])]),
    },
    registry,
    log,
  });
  const server: Server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info({ url, numbers: directory.directory.size }, 'call-processor running');

  return {
    url,
    registry,
    outboxPending: () => relay.pending(),
    async stop() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await lag.stop();
      await runner.stop(); // finishes the message in hand
      await relay.stop(); // publishes what is pending
      await inbox.stop();
      await directory.stop();
      readiness.stop();
      liveness.stop();
      // the lookups in flight are answered before their pool closes (a keep-alive client that
      // stays connected is cut off after a second)
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      server.closeAllConnections();
      await queries?.end();
      await dataSource.destroy();
    },
  };
}
