import type { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { BookingCommandResultEventSchema, BookingOutcomeV1Schema, makeRegistryEncoder } from '@rb/contracts';
import type { Sql, Transactions } from '@rb/kafka-runner';
import { typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import type { Logger } from '@rb/observability';
import type { BookingMetrics } from './booking-metrics';
import { AccountGateways } from './calcom/account-gateways';
import type { Fetch } from './calcom/calcom-client';
import { CalcomEgress } from './calcom/calcom-egress';
import type { Config } from './config';
import { callerIndexKey } from './config';
import { CredentialCipher } from './credentials/credential-cipher';
import { makeDataSource } from './infra/db/data-source';
import { RedisAvailabilityCache } from './infra/redis-availability-cache';
import { RedisCallBudget } from './infra/redis-call-budget';
import { makeRedisClient } from './infra/redis-client';

/** Everything booking talks to, built from config. */
export interface BookingClients {
  dataSource: DataSource;
  /** statements outside a transaction */
  db: Sql;
  transactions: Transactions;
  redis: Redis;
  cipher: CredentialCipher;
  cache: RedisAvailabilityCache;
  /** every Cal.com request goes out through it: allowed hosts and addresses, no redirects */
  egress: CalcomEgress;
  /** one Cal.com gateway (breaker, bulkhead, budget) per account */
  gateways: AccountGateways;
  kafka: Kafka;
  /** the registry serializer of booking.outcomes.v1 and booking.command-results.v1 */
  encode: (topic: string, value: unknown) => Buffer;
  /** CALLER_INDEX_KEY's bytes (undefined: unset, the caller digest is an unkeyed hash) */
  callerKey: Buffer | undefined;
}

export interface ClientOptions {
  log: Logger;
  metrics: BookingMetrics;
  outcomesTopic: string;
  /** booking.command-results.v1 (tests use their own) */
  commandResultsTopic: string;
  /** how Cal.com is reached instead of the egress (tests: a fault-injecting wrapper) */
  fetch?: Fetch | undefined;
  /** an account's breaker closed: its Cal.com answers again */
  onBreakerClosed: (account: string) => void;
}

export async function buildClients(config: Config, options: ClientOptions): Promise<BookingClients> {
  const { log, metrics } = options;
  const dataSource = makeDataSource(config.DATABASE_URL, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  await dataSource.initialize();
  const redis = makeRedisClient(config.REDIS_URL, log);
  await redis.connect().catch((error: Error) => log.warn({ err: error.message }, 'redis not reachable yet'));
  const egress = new CalcomEgress({
    allowedHosts: config.CALCOM_ALLOWED_HOSTS,
    privateHosts: config.CALCOM_ALLOW_PRIVATE_HOSTS,
  });
  return {
    dataSource,
    db: typeormAutocommit(dataSource),
    transactions: typeormTransactions(dataSource),
    redis,
    cipher: CredentialCipher.fromConfig(config.CREDENTIAL_KEYS, config.CREDENTIAL_KEY_CURRENT),
    cache: new RedisAvailabilityCache({
      redis,
      ttlSeconds: config.AVAILABILITY_TTL_SECONDS,
      fetchAheadDays: config.AVAILABILITY_FETCH_AHEAD_DAYS,
      onLookup: metrics.onAvailabilityLookup,
      onRedisError: () => metrics.onRedisError('availability_cache'),
      onCorruptValue: metrics.onCorruptCacheValue,
    }),
    egress,
    gateways: calcomGateways(config, options, redis, options.fetch ?? egress.fetch),
    kafka: new Kafka({ clientId: 'booking', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }),
    encode: await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, {
      [options.outcomesTopic]: BookingOutcomeV1Schema,
      [options.commandResultsTopic]: BookingCommandResultEventSchema,
    }),
    callerKey: callerIndexKey(config),
  };
}

/** Cal.com per account, through cockatiel's policies and the shared per-credential budget in Redis. */
function calcomGateways(config: Config, options: ClientOptions, redis: Redis, fetch: Fetch): AccountGateways {
  const { log, metrics } = options;
  const budget = new RedisCallBudget({
    redis,
    perMinute: config.CALCOM_REQUESTS_PER_MINUTE,
    burst: config.CALCOM_BUDGET_BURST,
    maxWaitMs: config.CALCOM_BUDGET_MAX_WAIT_MS,
    onRedisError: () => metrics.onRedisError('budget'),
  });
  return new AccountGateways({
    policy: {
      timeoutMs: config.CALCOM_TIMEOUT_MS,
      readAttempts: config.CALCOM_READ_ATTEMPTS,
      breakAfter: config.CALCOM_BREAK_AFTER,
      halfOpenAfterMs: config.CALCOM_HALF_OPEN_AFTER_MS,
      concurrency: config.CALCOM_CONCURRENCY,
    },
    budget: (account) => budget.take(account),
    onEvent: (account, event) => {
      metrics.onCalcomPolicyEvent(event);
      if (event.type === 'breaker') log.warn({ account, state: event.state }, 'Cal.com breaker changed');
      if (event.type === 'breaker' && event.state === 'closed') options.onBreakerClosed(account);
    },
    fetch: metrics.instrumentCalcom(fetch),
    client: { maxResponseBytes: config.CALCOM_MAX_RESPONSE_BYTES },
  });
}
