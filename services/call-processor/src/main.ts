import type { Server } from 'node:http';
import { once } from 'node:events';
import { Counter, Gauge } from 'prom-client';
import { Kafka, logLevel } from 'kafkajs';
import {
  BookingIntentEventSchema,
  CallLifecycleEventSchema,
  DirectoryEntityChangedV1Schema,
  makeRegistryEncoder,
  TOPICS,
} from '@rb/contracts';
import { ConsumerRunner, InboxRetention, OutboxRelay, typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { adminTokensOf, createLogger, createMetricsRegistry, makeConsumerMetrics } from '@rb/observability';
import { makeRecordCallEvent } from './call-records/record-call-event';
import { parseConfig } from './config';
import { watchConsumers } from './entry-points/health/consumer-watch';
import { Readiness, selectOne } from './entry-points/health/readiness';
import { makeApp } from './entry-points/http/app';
import { makeDataSource } from './infra/db/data-source';
import { DirectoryCache } from './tenant-directory/directory-cache';
import { makeDirectoryAdmin } from './tenant-directory/directory-admin';
import { makeImportTenantsFile } from './tenant-directory/import-tenants-file';

/** The outbox relay's advisory lock: one publishing replica per call-processor database. */
const OUTBOX_LOCK_ID = 0x0ca11;
const SOURCE = '/retell-booking/call-processor';

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (parsed.kind === 'invalid') {
    process.stderr.write(
      `call-processor: invalid configuration, refusing to start:\n  ${parsed.problems.join('\n  ')}\n`,
    );
    process.exit(78); // EX_CONFIG
  }
  const config = parsed.config;
  const log = createLogger({ service: 'call-processor', level: config.LOG_LEVEL });
  const registry = createMetricsRegistry('call-processor');
  const consumerMetrics = makeConsumerMetrics(registry);
  const unrouted = new Counter({
    name: 'call_processor_unrouted_calls_total',
    help: 'Calls whose business number matched no active directory entry',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const directoryNumbers = new Gauge({
    name: 'call_processor_directory_numbers',
    help: 'Phone numbers in the in-memory directory',
    registers: [registry],
  });
  const directoryErrors = new Counter({
    name: 'call_processor_directory_reload_errors_total',
    help: 'Failed directory reloads (the previous directory stays in use)',
    registers: [registry],
  });

  const dataSource = makeDataSource(config.DATABASE_URL, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  await dataSource.initialize();
  const transactions = typeormTransactions(dataSource);
  const kafka = new Kafka({ clientId: 'call-processor', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const encode = await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, {
    [TOPICS.callLifecycle]: CallLifecycleEventSchema,
    [TOPICS.bookingIntents]: BookingIntentEventSchema,
    [TOPICS.tenantDirectory]: DirectoryEntityChangedV1Schema,
  });

  const directory = new DirectoryCache({
    transactions,
    databaseUrl: config.DATABASE_URL,
    reloadEveryMs: config.DIRECTORY_RELOAD_MS,
    onReload: (numbers) => directoryNumbers.set(numbers),
    onError: (error) => {
      directoryErrors.inc();
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
  const runner = new ConsumerRunner({
    kafka: consumerWatch.kafka,
    groupId: config.KAFKA_GROUP_ID,
    topics: [TOPICS.retellWebhookEvents],
    fromBeginning: true,
    transactions,
    maxAttempts: config.MAX_ATTEMPTS,
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    handler: makeRecordCallEvent({
      directory: () => directory.directory,
      encode,
      source: SOURCE,
      clock: () => new Date(),
      onUnrouted: (reason) => unrouted.inc({ reason }),
    }),
    onOutcome: (report) => {
      consumerMetrics.onOutcome(report);
      if (report.error)
        log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'message not processed');
    },
    afterCommit: () => relay.nudge(),
    // a crash (the broker restarting, its coordinator away) rebuilds the consumer after a backoff
    onRestart: consumerMetrics.restartReporter(log),
  });
  await runner.start();
  const readiness = new Readiness({ pingDatabase: selectOne(dataSource), consumerRunning: consumerWatch.running });
  await readiness.start();
  // only a configuration error (authorization, an option the broker refuses) ends consuming: a
  // ready-looking process that consumes nothing must not stay, so exit with a non-zero code
  runner.onCrash((error, restarting) => {
    if (restarting) return;
    log.error({ err: error.message }, 'consumer stopped by a configuration error; exiting');
    shutdown('consumer-crash');
  });

  let draining = false;
  const directoryDeps = {
    transactions,
    encode: (e: unknown) => encode(TOPICS.tenantDirectory, e),
    clock: () => new Date(),
    source: SOURCE,
  };
  const app = makeApp({
    importTenantsFile: makeImportTenantsFile(directoryDeps),
    administer: makeDirectoryAdmin(directoryDeps),
    adminTokens: adminTokensOf(config),
    health: {
      isLive: () => true,
      notReady: () => (draining ? ['draining'] : [...readiness.notReady(), ...(relay.stalled() ? ['outbox'] : [])]),
    },
    registry,
    log,
  });
  const server: Server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  log.info({ port: config.PORT, numbers: directory.directory.size }, 'call-processor running');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    draining = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    void (async () => {
      server.close();
      server.closeIdleConnections();
      await runner.stop(); // finishes the message in hand
      await relay.stop(); // publishes what is pending
      await inbox.stop();
      await directory.stop();
      readiness.stop();
      await dataSource.destroy();
      log.info('call-processor stopped');
      process.exit(signal === 'consumer-crash' ? 1 : 0);
    })().catch((error: unknown) => {
      log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`call-processor: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
