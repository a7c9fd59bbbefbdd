import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import type { BookingOutcomeV1 } from '@rb/contracts';
import { BookingOutcomeV1Schema, makeRegistryEncoder, TOPICS } from '@rb/contracts';
import { ConsumerRunner, InboxRetention, OutboxRelay, typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import type { Logger } from '@rb/observability';
import { adminTokensOf, createLogger, createMetricsRegistry, makeConsumerMetrics } from '@rb/observability';
import { setCalcomAccount } from './accounts/calcom-accounts';
import { makeBookingIntents } from './booking/booking-intents';
import { makeParkingMetrics } from './booking/parking-metrics';
import { ParkedRedriver } from './booking/redrive-parked';
import { changeBooking } from './booking/change-booking';
import { AccountGateways } from './calcom/account-gateways';
import { CalcomEgress } from './calcom/calcom-egress';
import type { Fetch } from './calcom/calcom-client';
import type { Config } from './config';
import { CredentialCipher } from './credentials/credential-cipher';
import { makeBranchDirectory } from './directory/branch-directory';
import { makeApp } from './entry-points/http/app';
import { makeCalcomMetrics } from './infra/calcom-metrics';
import { makeDataSource } from './infra/db/data-source';
import { RedisAvailabilityCache } from './infra/redis-availability-cache';
import { RedisCallBudget } from './infra/redis-call-budget';
import { makeRedisClient } from './infra/redis-client';

/** The outbox relay's advisory lock: one publishing replica per booking database. */
const OUTBOX_LOCK_ID = 0xb00c;
const SOURCE = '/retell-booking/booking';

export interface BookingService {
  port: number;
  /** stops consuming (finishing the intents in hand), publishes what is pending, closes everything */
  stop(): Promise<void>;
}

export interface Overrides {
  log?: Logger;
  /** how Cal.com is reached instead of the egress (tests: a fault-injecting wrapper) */
  fetch?: Fetch;
  clock?: () => Date;
  /** the consumer's retry backoff (tests shorten it) */
  backoff?: { initialMs: number; maxMs: number };
  /** topic names (tests use their own) */
  topics?: { intents: string; directory: string; outcomes: string };
  /** called when a consumer stopped for a configuration error (other crashes restart it): main exits, tests fail */
  onFatal?: (error: Error) => void;
}

/**
 * booking, wired: the booking-intents consumer (Cal.com in `prepare`, outcome and outbox in one
 * transaction), the directory read model's consumer, the outbox relay to booking.outcomes.v1,
 * and the HTTP server (health, metrics, admin API).
 */
export async function startBookingService(config: Config, overrides: Overrides = {}): Promise<BookingService> {
  const log = overrides.log ?? createLogger({ service: 'booking', level: config.LOG_LEVEL });
  const clock = overrides.clock ?? (() => new Date());
  const registry = createMetricsRegistry('booking');
  const consumerMetrics = makeConsumerMetrics(registry);
  const calcomMetrics = makeCalcomMetrics(registry);
  const outcomes = new Counter({
    name: 'booking_outcomes_total',
    help: 'Outcomes emitted, by type and (for failures) reason',
    labelNames: ['type', 'reason'] as const,
    registers: [registry],
  });
  const availability = new Counter({
    name: 'booking_availability_lookups_total',
    help: 'Availability lookups per (event type, day) answered from the Redis cache (hit) or Cal.com (miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const corruptCacheValues = new Counter({
    name: 'booking_availability_cache_corrupt_values_total',
    help: 'Unreadable values in the availability cache (each read as a miss and overwritten, never an error)',
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: 'booking_redis_errors_total',
    help: 'Redis failures; the cache and the call budget fail open (straight to Cal.com)',
    labelNames: ['component'] as const,
    registers: [registry],
  });
  const branchUnknown = new Counter({
    name: 'booking_branch_unknown_total',
    help: 'Intents whose branch was not in the directory read model yet (defaults used for alternatives)',
    registers: [registry],
  });

  const dataSource = makeDataSource(config.DATABASE_URL, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  await dataSource.initialize();
  const transactions = typeormTransactions(dataSource);
  const db = typeormAutocommit(dataSource);
  const redis = makeRedisClient(config.REDIS_URL, log);
  await redis.connect().catch((error: Error) => log.warn({ err: error.message }, 'redis not reachable yet'));

  const cipher = CredentialCipher.fromConfig(config.CREDENTIAL_KEYS, config.CREDENTIAL_KEY_CURRENT);
  const budget = new RedisCallBudget({
    redis,
    perMinute: config.CALCOM_REQUESTS_PER_MINUTE,
    burst: config.CALCOM_BUDGET_BURST,
    maxWaitMs: config.CALCOM_BUDGET_MAX_WAIT_MS,
    onRedisError: () => redisErrors.inc({ component: 'budget' }),
  });
  const cache = new RedisAvailabilityCache({
    redis,
    ttlSeconds: config.AVAILABILITY_TTL_SECONDS,
    fetchAheadDays: config.AVAILABILITY_FETCH_AHEAD_DAYS,
    onLookup: (result) => availability.inc({ result }),
    onRedisError: () => redisErrors.inc({ component: 'availability_cache' }),
    onCorruptValue: () => corruptCacheValues.inc(),
  });
  // every Cal.com request goes out through the egress: allowed hosts and addresses, no redirects
  const egress = new CalcomEgress({
    allowedHosts: config.CALCOM_ALLOWED_HOSTS,
    privateHosts: config.CALCOM_ALLOW_PRIVATE_HOSTS,
  });
  const gateways = new AccountGateways({
    policy: {
      timeoutMs: config.CALCOM_TIMEOUT_MS,
      readAttempts: config.CALCOM_READ_ATTEMPTS,
      breakAfter: config.CALCOM_BREAK_AFTER,
      halfOpenAfterMs: config.CALCOM_HALF_OPEN_AFTER_MS,
      concurrency: config.CALCOM_CONCURRENCY,
    },
    budget: (account) => budget.take(account),
    onEvent: (account, event) => {
      calcomMetrics.onPolicyEvent(account, event);
      if (event.type === 'breaker') log.warn({ account, state: event.state }, 'Cal.com breaker changed');
      // its Cal.com answers again: its parked intents are due now
      if (event.type === 'breaker' && event.state === 'closed') void redriver.accountRecovered(account);
    },
    fetch: calcomMetrics.instrument(overrides.fetch ?? egress.fetch),
    client: { maxResponseBytes: config.CALCOM_MAX_RESPONSE_BYTES },
  });
  new Gauge({
    name: 'booking_calcom_breakers_open',
    help: 'Cal.com accounts whose breaker is open now (their intents are parked)',
    registers: [registry],
    collect() {
      this.set(gateways.openBreakers());
    },
  });

  const topics = overrides.topics ?? {
    intents: TOPICS.bookingIntents,
    directory: TOPICS.tenantDirectory,
    outcomes: TOPICS.bookingOutcomes,
  };
  const kafka = new Kafka({ clientId: 'booking', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const encode = await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, {
    [topics.outcomes]: BookingOutcomeV1Schema,
  });
  const countOutcome = (outcome: BookingOutcomeV1) =>
    outcomes.inc({ type: outcome.type, reason: outcome.type === 'booking.failed.v1' ? outcome.reason : '' });

  // what both intents and admin changes need to reach Cal.com and record an outcome
  const outcomeDeps = {
    db,
    transactions,
    cipher,
    gateways,
    cache,
    encode,
    outcomesTopic: topics.outcomes,
    source: SOURCE,
    clock,
    onOutcome: countOutcome,
  };
  const relay = new OutboxRelay({ kafka, transactions, lockId: OUTBOX_LOCK_ID });
  consumerMetrics.watchRelay(relay, log);
  await relay.start();
  // one inbox for both consumers
  const inbox = new InboxRetention({ sql: db, retainMs: config.INBOX_RETENTION_DAYS * 24 * 3600_000 });
  inbox.on('pruned', (rows: number) => log.info({ rows }, 'old inbox rows deleted'));
  inbox.on('pruneFailed', (error: Error) => log.warn({ err: error.message }, 'inbox pruning failed; next round later'));
  inbox.start();

  const onOutcome = (report: Parameters<typeof consumerMetrics.onOutcome>[0] & { error?: { code: string } }) => {
    consumerMetrics.onOutcome(report);
    if (report.error && report.outcome !== 'paused')
      log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'intent not processed');
    else if (report.error) log.info({ topic: report.topic, code: report.error.code }, 'paused: Cal.com unavailable');
  };
  // a crash (the broker restarting, its coordinator away) rebuilds the consumer after a backoff
  const onRestart = consumerMetrics.restartReporter(log);
  // directory first: an intent's branch is usually known by the time it is handled
  const directory = new ConsumerRunner({
    kafka,
    groupId: `${config.KAFKA_GROUP_ID}-directory`,
    topics: [topics.directory],
    fromBeginning: true,
    transactions,
    maxAttempts: config.MAX_ATTEMPTS,
    maxChunkSize: 100,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    handler: makeBranchDirectory(),
    onOutcome,
    onRestart,
  });
  await directory.start();
  const parkingMetrics = makeParkingMetrics(registry, db);
  const intentsHandler = makeBookingIntents({
    ...outcomeDeps,
    lease: { owner: `booking-${randomUUID()}`, seconds: config.INTENT_LEASE_SECONDS },
    giveUpAfterMs: config.CALCOM_GIVE_UP_AFTER_MS,
    searchWindowDays: config.SEARCH_WINDOW_DAYS,
    alternativesCount: config.ALTERNATIVES_COUNT,
    onBranchUnknown: (branchId) => {
      branchUnknown.inc();
      log.warn({ branchId }, 'branch not in the directory read model yet; default working days used');
    },
    onParked: (park) => {
      parkingMetrics.onParked(park);
      redriver.wakeIn(park.retryAfterMs);
    },
  });
  // intents whose Cal.com is unavailable wait in `parked_intents`, not in their partition
  const redriver = new ParkedRedriver({
    handler: intentsHandler,
    db,
    transactions,
    consumer: config.KAFKA_GROUP_ID,
    intervalMs: config.PARKED_REDRIVE_INTERVAL_MS,
    claimSeconds: config.INTENT_LEASE_SECONDS,
    maxAttempts: config.MAX_ATTEMPTS,
    ...(overrides.backoff ? { backoff: overrides.backoff } : {}),
    afterCommit: () => relay.nudge(),
    onRedrive: parkingMetrics.onRedrive,
    onError: (error) => log.warn({ err: (error as Error).message }, 're-driving parked intents failed'),
  });
  const intents = new ConsumerRunner({
    kafka,
    groupId: config.KAFKA_GROUP_ID,
    topics: [topics.intents],
    fromBeginning: true,
    transactions,
    maxAttempts: config.MAX_ATTEMPTS,
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    // one intent per transaction: `prepare` talks to Cal.com and must not run again for a chunk
    maxChunkSize: 1,
    // a partition paused for Cal.com resumes within half a second of its time
    maxWaitTimeInMs: 500,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    ...(overrides.backoff ? { backoff: overrides.backoff } : {}),
    handler: intentsHandler,
    onOutcome,
    onRestart,
    afterCommit: () => relay.nudge(),
  });
  await intents.start();
  redriver.start(); // parked intents left by an earlier run are taken at once
  for (const runner of [directory, intents]) {
    runner.onCrash((error, restarting) => {
      if (restarting) return; // counted and logged through onRestart
      log.error({ err: error.message }, 'consumer stopped by a configuration error');
      overrides.onFatal?.(error);
    });
  }

  let draining = false;
  const app = makeApp({
    setAccount: (input) => setCalcomAccount(db, input, { cipher, egress }),
    changeBooking: (uid, change) => changeBooking(outcomeDeps, uid, change),
    adminTokens: adminTokensOf(config),
    health: {
      isLive: () => true,
      notReady: () => [
        ...(draining ? ['draining'] : []),
        ...(dataSource.isInitialized ? [] : ['database']),
        ...(redis.status === 'ready' ? [] : ['redis']),
        ...(relay.stalled() ? ['outbox'] : []),
      ],
    },
    registry,
    log,
  });
  const server: Server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'booking running');

  return {
    port,
    async stop() {
      draining = true;
      // admin changes in flight finish before the database goes
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      await redriver.stop(); // finishes the re-drive in hand
      await intents.stop(); // finishes the intent in hand
      await directory.stop();
      await relay.stop(); // publishes what is pending
      await inbox.stop();
      redis.disconnect();
      egress.close();
      await dataSource.destroy();
      log.info('booking stopped');
    },
  };
}
