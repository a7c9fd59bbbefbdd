import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ParsedAvailabilityQuery } from '@rb/contracts';
import { TOPICS } from '@rb/contracts';
import type { Logger } from '@rb/observability';
import {
  adminTokensOf,
  ConsumerLag,
  createLogger,
  createMetricsRegistry,
  Liveness,
  makeConsumerMetrics,
  rateLimitedWarn,
} from '@rb/observability';
import type { Registry } from 'prom-client';
import { setCalcomAccount } from './accounts/calcom-accounts';
import { answerAvailability } from './availability/answer-availability';
import type { BookingMetrics } from './booking-metrics';
import { makeBookingMetrics } from './booking-metrics';
import { changeBooking } from './booking/change-booking';
import { parkedStats } from './booking/parked-intents.repository';
import type { Fetch } from './calcom/calcom-client';
import type { Config } from './config';
import { makeApp } from './entry-points/http/app';
import { makeFindAppointments } from './appointments/find-appointments';
import type { BookingClients } from './service-clients';
import { buildClients } from './service-clients';
import type { RunningConsumers } from './service-consumers';
import { startConsumers } from './service-consumers';

const SOURCE = '/retell-booking/booking';

/** the consumer groups booking runs and the topics each reads (for the deploy/k8s test) */
export { runningGroups } from './consumer-groups';

export interface BookingService {
  /** the admin and ops listener, e.g. http://127.0.0.1:3002 */
  url: string;
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
  /**
   * topic names (tests use their own); a test that names its own but no `commands` runs without
   * the live commands' consumer, so it never reads the shared booking.commands.v1
   */
  topics?: {
    intents: string;
    directory: string;
    outcomes: string;
    commands?: string;
    commandResults?: string;
    /** the truth check's input; unset with topics of a test's own: no truth check */
    lifecycle?: string;
  };
  /** a consumer stopped for a configuration error (other crashes restart it): main exits, tests fail */
  onFatal?: (reason: string) => void;
}

/**
 * booking, wired: the one composition root (main, the component tests and the benchmark all
 * start booking through it). Clients from config, the use cases over them, the consumers (the
 * booking intents, the live commands, the directory read model, the outbox relay, the re-drive of
 * parked intents and book commands),
 * and the HTTP server (health, metrics, the internal availability API, admin API).
 */
export async function startBooking(config: Config, overrides: Overrides = {}): Promise<BookingService> {
  const log = overrides.log ?? createLogger({ service: 'booking', level: config.LOG_LEVEL });
  const clock = overrides.clock ?? (() => new Date());
  const topics = {
    commandResults: TOPICS.bookingCommandResults,
    ...(overrides.topics ?? {
      intents: TOPICS.bookingIntents,
      directory: TOPICS.tenantDirectory,
      outcomes: TOPICS.bookingOutcomes,
      commands: TOPICS.bookingCommands,
      lifecycle: TOPICS.callLifecycle,
    }),
  };
  const registry = createMetricsRegistry('booking');
  const consumerMetrics = makeConsumerMetrics(registry);
  const metrics = makeBookingMetrics(registry);
  // not live once the event loop was blocked for long, or a consumer stopped for good
  const liveness = new Liveness();

  // an account's breaker closed: its parked intents are due now (once the re-driver runs)
  let accountRecovered = (_account: string): void => undefined;
  const clients = await buildClients(config, {
    log,
    metrics,
    outcomesTopic: topics.outcomes,
    commandResultsTopic: topics.commandResults,
    fetch: overrides.fetch,
    onBreakerClosed: (account) => accountRecovered(account),
  });
  if (!clients.callerKey) {
    log.warn(
      'CALLER_INDEX_KEY is not set: the caller digest is an unkeyed hash, which anyone with the table can match against every number',
    );
  }
  metrics.watch({ parkedStats: () => parkedStats(clients.db), openBreakers: () => clients.gateways.openBreakers() });

  // what intents, live commands and admin changes need to reach Cal.com and record an outcome
  const { db, transactions, cipher, gateways, cache, encode, callerKey } = clients;
  const outcomeDeps = {
    db,
    transactions,
    cipher,
    gateways,
    cache,
    encode,
    callerKey,
    outcomesTopic: topics.outcomes,
    commandResultsTopic: topics.commandResults,
    source: SOURCE,
    clock,
    onOutcome: metrics.onOutcome,
  };
  const consumers = await startConsumers(config, {
    clients,
    outcomeDeps,
    topics,
    log,
    metrics,
    consumerMetrics,
    liveness,
    backoff: overrides.backoff,
    onFatal: overrides.onFatal,
  });
  accountRecovered = consumers.accountRecovered;
  // kafka_consumer_lag of every group it runs (every replica measures them alike)
  const lag = new ConsumerLag({
    admin: () => clients.kafka.admin(),
    groups: consumers.groups,
    registry,
    intervalMs: config.KAFKA_LAG_INTERVAL_MS,
    log,
  }).start();
  const http = await startHttp(config, { clients, consumers, liveness, registry, metrics, log, outcomeDeps });

  liveness.start();
  return {
    url: `http://${config.HOST}:${http.port}`,
    port: http.port,
    async stop() {
      await http.stop(); // admin changes in flight finish before the database goes
      await lag.stop();
      await consumers.stop();
      liveness.stop();
      clients.redis.disconnect();
      clients.egress.close();
      await clients.dataSource.destroy();
      // 'booking stopped' is logged by runService once this resolves
    },
  };
}

interface HttpParts {
  clients: BookingClients;
  consumers: RunningConsumers;
  liveness: Liveness;
  registry: Registry;
  metrics: BookingMetrics;
  log: Logger;
  outcomeDeps: Parameters<typeof changeBooking>[0];
}

/** /livez, /readyz (false while draining), /metrics, the internal availability API and the admin API. */
async function startHttp(config: Config, parts: HttpParts): Promise<{ port: number; stop(): Promise<void> }> {
  const { clients, log } = parts;
  let draining = false;
  const app = makeApp({
    setAccount: (input) => setCalcomAccount(clients.db, input, { cipher: clients.cipher, egress: clients.egress }),
    changeBooking: (uid, change) => changeBooking(parts.outcomeDeps, uid, change),
    adminTokens: adminTokensOf(config),
    availability: availabilityApi(config, parts),
    appointments: {
      find: makeFindAppointments({ db: clients.db, clock: parts.outcomeDeps.clock, callerKey: clients.callerKey }),
    },
    health: {
      isLive: parts.liveness.isLive,
      notReady: () => [
        ...(draining ? ['draining'] : []),
        ...(clients.dataSource.isInitialized ? [] : ['database']),
        ...(clients.redis.status === 'ready' ? [] : ['redis']),
        ...(parts.consumers.relay.stalled() ? ['outbox'] : []),
      ],
    },
    registry: parts.registry,
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
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
    },
  };
}

/** A live caller's availability questions: the same Cal.com gateways, cache and clock as the intents. */
function availabilityApi(config: Config, parts: HttpParts) {
  const { clients, outcomeDeps, log } = parts;
  const warn = rateLimitedWarn(log);
  const deps = {
    db: clients.db,
    cipher: clients.cipher,
    gateways: clients.gateways,
    cache: clients.cache,
    clock: outcomeDeps.clock,
    onCalcomFailure: (code: string, account: string) =>
      warn(code, { code, account }, 'availability question answered without slots: Cal.com failed or refused'),
  };
  return {
    tokens: config.QUERY_TOKENS,
    answer: (query: ParsedAvailabilityQuery, signal: AbortSignal) => answerAvailability(deps, query, signal),
    deadlineMs: config.AVAILABILITY_DEADLINE_MS,
    onQuery: parts.metrics.onAvailabilityQuery,
  };
}
