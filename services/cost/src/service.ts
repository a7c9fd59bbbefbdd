import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { CallCostEvent } from '@rb/contracts';
import { CallCostEventSchema, makeRegistryEncoder, TOPICS } from '@rb/contracts';
import type { OutcomeReport } from '@rb/kafka-runner';
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
import type { CallTopics } from './call-facts/call-fact-changes';
import { makeCallFactsConsumer } from './call-facts/call-facts.consumer';
import type { Config } from './config';
import { consumerGroups } from './consumer-groups';
import type { CostMetrics } from './cost-metrics';
import { makeCostMetrics, reportPending } from './cost-metrics';
import { makeDirectoryReadModel } from './directory/directory-read-model';
import { makeApp } from './entry-points/http/app';
import { makeDataSource } from './infra/db/migrations';
import type { CostCallsDeps } from './ledger/cost-calls';
import { PendingSweeper } from './ledger/pending-sweeper';
import { recostCall } from './ledger/recost-call';

/** the consumer groups cost runs and the topics each reads (for the deploy/k8s test) */
export { consumerGroups } from './consumer-groups';

/** The outbox relay's advisory lock: one publishing replica per cost database. */
const OUTBOX_LOCK_ID = 0xc057;
const SOURCE = '/retell-booking/cost';

export interface CostTopics extends CallTopics {
  directory: string;
  costs: string;
}

export interface CostOverrides {
  log?: Logger;
  onFatal?: (reason: string) => void;
  topics?: Partial<CostTopics>;
  clock?: () => Date;
  backoff?: { initialMs: number; maxMs: number };
  /** each consumed message's outcome, besides the metrics */
  onOutcome?: (report: OutcomeReport) => void;
}

export interface RunningCost {
  /** the HTTP listener (health, metrics, the API), e.g. http://127.0.0.1:3003 */
  url: string;
  registry: Registry;
  /** one pass over the calls waiting for a rate, plan or directory entry (tests, after an import) */
  sweepPending(): Promise<number>;
  outboxPending(): Promise<number>;
  /** graceful: not ready → server closed → consuming stopped → outbox flushed → connections closed */
  stop(): Promise<void>;
}

/**
 * cost, wired: the directory read model, the call-facts consumer (facts → costing → ledger and
 * cost.call-costs.v1 through the outbox), the sweeper of pending calls, the outbox relay, inbox
 * pruning, and the HTTP server (health, metrics, plans, rates, reports, statements, re-costs).
 */
export async function startCost(config: Config, overrides: CostOverrides = {}): Promise<RunningCost> {
  const log = overrides.log ?? createLogger({ service: 'cost', level: config.LOG_LEVEL });
  const clock = overrides.clock ?? (() => new Date());
  const topics: CostTopics = {
    lifecycle: TOPICS.callLifecycle,
    intents: TOPICS.bookingIntents,
    outcomes: TOPICS.bookingOutcomes,
    directory: TOPICS.tenantDirectory,
    costs: TOPICS.callCosts,
    ...overrides.topics,
  };
  const registry = createMetricsRegistry('cost');
  const consumerMetrics = makeConsumerMetrics(registry);
  const metrics = makeCostMetrics(registry);

  const dataSource = makeDataSource(config.DATABASE_URL, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  await dataSource.initialize();
  const transactions = typeormTransactions(dataSource);
  const db = typeormAutocommit(dataSource);
  const kafka = new Kafka({ clientId: 'cost', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const encode = await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, { [topics.costs]: CallCostEventSchema });
  const cost: CostCallsDeps = {
    topic: topics.costs,
    source: SOURCE,
    encode,
    clock,
    onRevision: (event) => observeRevision(metrics, event),
  };

  const relay = new OutboxRelay({ kafka, transactions, lockId: OUTBOX_LOCK_ID });
  consumerMetrics.watchRelay(relay, log);
  await relay.start();
  const inbox = new InboxRetention({ sql: db, retainMs: config.INBOX_RETENTION_DAYS * 24 * 3600_000 });
  inbox.on('pruned', (rows: number) => log.info({ rows }, 'old inbox rows deleted'));
  inbox.on('pruneFailed', (error: Error) => log.warn({ err: error.message }, 'inbox pruning failed; next round later'));
  inbox.start();
  const sweeper = new PendingSweeper({
    transactions,
    cost,
    intervalMs: config.PENDING_RECOST_INTERVAL_MS,
    afterCommit: () => relay.nudge(),
    onStats: (stats) => reportPending(metrics, stats, clock()),
    onError: (error) => log.warn({ err: (error as Error).message }, 'costing pending calls failed; next round later'),
  });

  const liveness = new Liveness();
  const onOutcome = (report: OutcomeReport) => {
    consumerMetrics.onOutcome(report);
    overrides.onOutcome?.(report);
    if (report.error)
      log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'message not processed');
  };
  const common = {
    kafka,
    transactions,
    fromBeginning: true,
    maxAttempts: config.MAX_ATTEMPTS,
    ...(overrides.backoff ? { backoff: overrides.backoff } : {}),
    onOutcome,
    afterCommit: () => relay.nudge(),
    onRestart: consumerMetrics.restartReporter(log),
  };
  const groups = consumerGroups(config, topics);
  const directory = new ConsumerRunner({
    ...common,
    ...groups.directory,
    maxChunkSize: 100,
    handler: makeDirectoryReadModel(),
    // a company or reseller may be what pending calls wait for: look once it is committed
    afterCommit: () => sweeper.nudge(),
  });
  await directory.start();
  const calls = new ConsumerRunner({
    ...common,
    ...groups.calls,
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    handler: makeCallFactsConsumer({
      topics,
      cost,
      // its company may have been committed while this call was being costed without it: look
      // again once this transaction has surely committed (the interval would, later)
      onCosted: (_callId, outcome) => {
        if (outcome.kind === 'pending' && outcome.reason === 'directory') sweeper.nudgeSoon();
      },
    }),
    afterCommit: () => relay.nudge(),
  });
  await calls.start();
  sweeper.start();
  // kafka_consumer_lag of both groups (every replica measures them alike)
  const lag = new ConsumerLag({
    admin: () => kafka.admin(),
    groups: Object.values(groups),
    registry,
    intervalMs: config.KAFKA_LAG_INTERVAL_MS,
    log,
  }).start();
  for (const runner of [directory, calls])
    runner.onCrash((error, restarting) => {
      if (restarting) return;
      liveness.fail('consumer_stopped');
      log.error({ err: error.message }, 'consumer stopped by a configuration error; exiting');
      overrides.onFatal?.('consumer_stopped');
    });

  let draining = false;
  const app = makeApp({
    db,
    transactions,
    adminTokens: adminTokensOf(config),
    health: {
      isLive: liveness.isLive,
      notReady: () => [
        ...(draining ? ['draining'] : []),
        ...(dataSource.isInitialized ? [] : ['database']),
        ...(relay.stalled() ? ['outbox'] : []),
      ],
    },
    registry,
    log,
    clock,
    onPricesChanged: () => sweeper.nudge(),
    recost: async (callId, input) => {
      const result = await recostCall(transactions, cost, callId, input);
      metrics.recosts.inc({ outcome: result.kind });
      if (result.kind === 'recosted') relay.nudge();
      return result;
    },
  });
  const server: Server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  liveness.start();
  log.info({ url }, 'cost running');

  return {
    url,
    registry,
    sweepPending: () => sweeper.sweep(),
    outboxPending: () => relay.pending(),
    async stop() {
      draining = true;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      await lag.stop();
      await sweeper.stop();
      await calls.stop();
      await directory.stop();
      await relay.stop();
      await inbox.stop();
      liveness.stop();
      await dataSource.destroy();
    },
  };
}

/** First costings feed the histograms (a metric's float, never an amount anyone is billed); every revision counts by cause. */
function observeRevision(metrics: CostMetrics, event: CallCostEvent): void {
  metrics.costed.inc({ cause: event.cause });
  if (event.revision !== 1) return;
  const t = event.totals;
  metrics.baseCostEur.observe(Number(t.baseCostEur));
  if (Number(t.wholesaleEur) !== 0)
    metrics.margin.observe({ party: 'platform' }, Number(t.platformProfitEur) / Number(t.wholesaleEur));
  if (event.attribution?.resellerId && Number(t.retailEur) !== 0)
    metrics.margin.observe({ party: 'reseller' }, Number(t.resellerProfitEur) / Number(t.retailEur));
}
