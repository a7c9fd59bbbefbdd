import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { BookingCommandV1Schema, registerValueSchema, RetellWebhookEventValueSchema, TOPICS } from '@rb/contracts';
import type { Logger } from '@rb/observability';
import { createLogger, createMetricsRegistry, Liveness, startOpsServer } from '@rb/observability';
import type { Config } from './config';
import { makeApp } from './entry-points/http/app';
import { BatchingPublisher } from './infra/batching-publisher';
import { BrokerProbe } from './infra/broker-probe';
import { checkTopicLimit } from './infra/topic-limit';
import { RedisDeduplicator } from './infra/redis-dedup';
import { RedisRateLimiter } from './infra/redis-rate-limiter';
import { makeIngressMetrics } from './ingress-metrics';
import { retellContract } from './webhooks/parse-webhook';
import { makeReceiveWebhook } from './webhooks/receive-webhook';
import { DirectoryFeed } from './directory/directory-feed';
import { RoutingDirectory } from './directory/routing-directory';
import { makeAnswerCallInbound } from './inbound/answer-call-inbound';
import { RedisAnswerMemory } from './inbound/redis-answer-memory';
import { RedisCallerNumbers } from './inbound/redis-caller-numbers';
import { makeAnswerCheckAvailability } from './functions/answer-check-availability';
import { makeAnswerFunctionCall } from './functions/answer-function-call';
import { makeBookingAvailabilityClient } from './functions/booking-availability-client';
import { SlotIds } from './functions/slot-id';
import { makeBookingCommands } from './functions/answer-booking-commands';
import { makeAnswerFindAppointments } from './functions/answer-find-appointments';
import { makeBookingAppointmentsClient } from './functions/booking-appointments-client';
import { CommandReplies } from './functions/command-replies';
import { makeCommandSender } from './functions/command-sender';
import { CallProcessorCustomers } from './inbound/customer-names';
import { makeRingRecorder } from './inbound/ring-recorder';

export interface RunningIngress {
  /** the public listener (Retell's webhooks), e.g. http://127.0.0.1:3000 */
  url: string;
  /** the internal listener (/livez, /readyz, /metrics), e.g. http://127.0.0.1:3100 */
  opsUrl: string;
  /** graceful: not ready → stop accepting → finish in-flight → flush producer → close Redis */
  stop(): Promise<void>;
}

/** Builds every client from config and starts serving. The only place that wires things together. */
export interface Overrides {
  /** one logger per process: main's, or a test's */
  log?: Logger;
  /** where webhooks go; the contract topic unless a test or benchmark says otherwise */
  topic?: string;
  /** where the directory is read from (tests use their own topic) */
  directoryTopic?: string;
  /** where book/reschedule/cancel commands go, and where booking's answers are read (tests use their own) */
  commandsTopic?: string;
  commandResultsTopic?: string;
}

export async function startIngress(config: Config, overrides: Overrides = {}): Promise<RunningIngress> {
  const log = overrides.log ?? createLogger({ service: 'ingress', level: config.LOG_LEVEL });
  const topic = overrides.topic ?? TOPICS.retellWebhookEvents;
  const commandsTopic = overrides.commandsTopic ?? TOPICS.bookingCommands;
  const commandResultsTopic = overrides.commandResultsTopic ?? TOPICS.bookingCommandResults;
  const registry = createMetricsRegistry('ingress');
  const metrics = makeIngressMetrics(registry);
  const kafka = new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3_000,
    requestTimeout: config.PRODUCE_TIMEOUT_MS,
    logLevel: logLevel.NOTHING,
  });
  const broker = new BrokerProbe({ kafka, topic, everyMs: config.BROKER_PROBE_EVERY_MS, timeoutMs: 2_000 });
  const publisher = new BatchingPublisher({
    kafka,
    topic,
    timeoutMs: config.PRODUCE_TIMEOUT_MS,
    maxPending: config.MAX_PENDING_PRODUCES,
    compressFromBytes: config.PRODUCE_COMPRESS_FROM_BYTES,
    onProduceFailed: () => void broker.check(),
    metrics,
    log,
  });
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A hung Redis is cut off by one socket-level timer instead of a timer per command: ioredis's
    // per-command timeout allocates objects that outlive a scavenge (see README, "Memory").
    socketTimeout: 1_000,
    // commands issued in the same tick (a webhook's rate check and claim, concurrent webhooks) go
    // out in one write: a write per command was a fifth of ingress's CPU time under load
    enableAutoPipelining: true,
    lazyConnect: true,
  });
  redis.on('error', (error: Error) => log.debug({ err: error.message }, 'redis connection error'));

  // the live call's commands: one producer of their own (acks=all, given up at the caller's deadline)
  const commandPublisher = new BatchingPublisher({
    kafka,
    topic: commandsTopic,
    timeoutMs: config.COMMAND_DEADLINE_MS,
    maxPending: config.MAX_WAITING_COMMANDS,
    compressFromBytes: config.PRODUCE_COMPRESS_FROM_BYTES,
    onProduceFailed: () => void broker.check(),
    metrics,
    log,
  });
  const replies = new CommandReplies({
    kafka,
    topic: commandResultsTopic,
    log,
    maxWaiting: config.MAX_WAITING_COMMANDS,
    onRead: (outcome) => metrics.commandAnswersRead.inc({ outcome }),
  });

  let schemaId: number | undefined;
  let commandSchemaId: number | undefined;
  let draining = false;
  const receiveWebhook = makeReceiveWebhook({
    apiKey: config.RETELL_API_KEY,
    signatureToleranceMs: config.SIGNATURE_TOLERANCE_MS,
    answerWithinMs: config.PRODUCE_TIMEOUT_MS,
    topicSchemaId: () => schemaId,
    source: `/retell-booking/ingress`,
    publisher,
    dedup: new RedisDeduplicator({
      redis,
      doneTtlSeconds: config.DEDUP_TTL_SECONDS,
      pendingTtlMs: config.PRODUCE_TIMEOUT_MS + 5_000,
      waitForPendingMs: config.PRODUCE_TIMEOUT_MS + 1_000,
      metrics,
      log,
    }),
    rateLimiter: new RedisRateLimiter({ redis, limitPerMinute: config.RATE_LIMIT_PER_MINUTE, metrics, log }),
    metrics,
    clock: Date.now,
    log,
  });
  // call_inbound routes by ingress's own copy of the directory, read from its compacted topic
  const directory = new RoutingDirectory();
  const feed = new DirectoryFeed({
    kafka,
    topic: overrides.directoryTopic ?? TOPICS.tenantDirectory,
    directory,
    log,
    onEvent: (outcome) => metrics.directoryEvents.inc({ outcome }),
  });
  const rings = makeRingRecorder({
    publisher,
    topicSchemaId: () => schemaId,
    source: `/retell-booking/ingress`,
    clock: Date.now,
    onRecorded: (outcome) => metrics.ringRecords.inc({ outcome }),
  });
  // the number each call came from, as call_inbound's signed body says: args-only tools' caller
  const callers = new RedisCallerNumbers(redis, undefined, (error) =>
    log.debug({ err: error.message }, 'caller numbers unavailable'),
  );
  const answerCallInbound = makeAnswerCallInbound({
    apiKey: config.RETELL_API_KEY,
    signatureToleranceMs: config.SIGNATURE_TOLERANCE_MS,
    directory: {
      route: (number) => directory.route(number),
      get caughtUp() {
        return feed.caughtUp;
      },
    },
    answers: new RedisAnswerMemory(redis, 600, (error) =>
      log.debug({ err: error.message }, 'call_inbound answer memory unavailable'),
    ),
    callers,
    customers: new CallProcessorCustomers({
      baseUrl: config.CALL_PROCESSOR_QUERY_URL,
      token: config.CALL_PROCESSOR_QUERY_TOKEN,
      budgetMs: config.CUSTOMER_LOOKUP_BUDGET_MS,
    }),
    recordRing: (rawBody, request) => rings.record(rawBody, request),
    clock: Date.now,
  });
  if (!config.CALL_PROCESSOR_QUERY_TOKEN)
    log.warn('CALL_PROCESSOR_QUERY_TOKEN is not set: call_inbound never greets a known caller by name');
  // live tool calls find their branch in the same directory; they ask booking (availability, the
  // caller's appointments) over HTTP and send it commands over Kafka
  const { BOOKING_QUERY_TOKEN: bookingToken } = config;
  const bookingQuery = bookingToken
    ? { baseUrl: config.BOOKING_QUERY_URL, token: bookingToken, deadlineMs: config.AVAILABILITY_DEADLINE_MS }
    : undefined;
  const askAvailability = bookingQuery ? makeBookingAvailabilityClient(bookingQuery) : undefined;
  const findAppointments = bookingQuery ? makeBookingAppointmentsClient(bookingQuery) : undefined;
  const slotIds = new SlotIds(config.RETELL_API_KEY);
  const answerFunctionCall = makeAnswerFunctionCall({
    apiKey: config.RETELL_API_KEY,
    signatureToleranceMs: config.SIGNATURE_TOLERANCE_MS,
    clock: Date.now,
    directory: {
      branchRoute: (branchId, companyId) => directory.branchRoute(branchId, companyId),
      get caughtUp() {
        return feed.caughtUp;
      },
    },
    callers,
    onCallerCheck: (check) => metrics.argsOnlyCallers.inc({ check }),
    functions: {
      check_availability: makeAnswerCheckAvailability({ askAvailability, slotIds, clock: Date.now }),
      ...makeBookingCommands({
        slotIds,
        send: makeCommandSender({
          publisher: commandPublisher,
          topicSchemaId: () => commandSchemaId,
          source: `/retell-booking/ingress`,
        }),
        replies,
        commandsReady: () => replies.ready && commandSchemaId !== undefined,
        deadlineMs: config.COMMAND_DEADLINE_MS,
        clock: Date.now,
        newCommandId: randomUUID,
        phoneNumberOf: (branchId, dialled) => directory.phoneNumberIdOf(branchId, dialled),
        findAppointments,
        askAvailability,
        onCommand: ({ command, outcome, waitedSeconds }) => {
          metrics.bookingCommands.inc({ command, outcome });
          if (waitedSeconds !== undefined) metrics.bookingCommandWait.observe({ command }, waitedSeconds);
        },
        onInvalid: (command, detail) =>
          log.error({ command, detail }, 'a command of ours breaks its contract; not sent'),
      }),
      find_appointments: makeAnswerFindAppointments({ findAppointments }),
    },
  });
  if (!bookingToken)
    log.warn(
      'BOOKING_QUERY_TOKEN is not set: check_availability and find_appointments answer ok:false (not_configured)',
    );
  // Readiness is what webhooks and call_inbound need. The booking commands' answers consumer and
  // schema are not part of it (a replica without them would stop serving calls altogether): until
  // they are ready, book/reschedule/cancel answer not_ready, shown by ingress_booking_commands_ready.
  const notReady = (): string[] =>
    [
      draining && 'draining',
      !feed.caughtUp && 'directory',
      schemaId === undefined && 'schema-registry',
      !broker.reachable && 'kafka',
      redis.status !== 'ready' && 'redis',
    ].filter((x): x is string => typeof x === 'string');
  metrics.watchCommandsReadiness(() => ({ answers: replies.ready, schema: commandSchemaId !== undefined }));
  const app = makeApp({
    receiveWebhook,
    answerCallInbound,
    maxBodyBytes: config.MAX_BODY_BYTES,
    answerFunctionCall,
    registry,
    metrics,
    log,
  });

  // Dependencies that are down at start-up do not stop ingress from serving: until the schema is
  // registered webhooks get 503 (Retell retries), the producer reconnects on the next send, and
  // Redis-backed dedup/rate limits fail open. /readyz says what is missing.
  retellContract(); // compiled before the first webhook, not during it
  const registration = registerUntilDone(
    () => registerValueSchema(config.SCHEMA_REGISTRY_URL, topic, RetellWebhookEventValueSchema),
    log,
  );
  registration.then((id) => (schemaId = id)).catch(() => undefined);
  const commandRegistration = registerUntilDone(
    () => registerValueSchema(config.SCHEMA_REGISTRY_URL, commandsTopic, BookingCommandV1Schema),
    log,
    'command schema registration',
  );
  commandRegistration.then((id) => (commandSchemaId = id)).catch(() => undefined);
  await Promise.race([Promise.all([registration, commandRegistration]), sleep(5_000)]).catch(() => undefined);
  await Promise.all([
    publisher.connect().catch((error: Error) => log.warn({ err: error.message }, 'kafka not reachable at start')),
    commandPublisher
      .connect()
      .catch((error: Error) => log.warn({ err: error.message }, 'kafka not reachable at start (commands)')),
    broker.start(),
    checkTopicLimit(kafka, topic, config.MAX_BODY_BYTES, log),
    redis.connect().catch((error: Error) => log.warn({ err: error.message }, 'redis not reachable at start')),
  ]);
  // until the directory is read to its end, call_inbound answers 503 and /readyz says `directory`
  const reading = registerUntilDone(() => feed.start(), log, 'reading the directory');
  reading.catch(() => undefined);
  // booking's answers are read from their topic's end: until the consumer has its offsets an
  // answer could pass unseen, so the booking commands answer not_ready (/readyz does not wait)
  const listening = registerUntilDone(() => replies.start(), log, 'reading command answers');
  listening.catch(() => undefined);
  await Promise.race([
    Promise.all([
      reading.then(() => feed.whenCaughtUp()),
      listening.then(() => whenTrue(() => replies.ready || draining)),
    ]),
    sleep(10_000),
  ]).catch(() => undefined);
  // not live once the event loop was blocked for long (a restart cures that); ingress has no
  // consumer that could stop for good, and Kafka or Redis being down is readiness, not liveness
  const liveness = new Liveness().start();
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    health: { isLive: liveness.isLive, notReady },
    registry,
  });
  const server: Server = createServer(
    {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      // how often the two timeouts above are checked (Node's default is every 30 s)
      connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    app,
  );
  server.maxConnections = config.MAX_CONNECTIONS;
  server.listen(config.PORT, config.HOST);
  server.on('request', (_req, res: { shouldKeepAlive: boolean }) => {
    if (draining) res.shouldKeepAlive = false;
  });
  await once(server, 'listening');
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://${address.address}:${address.port}` : String(address);
  log.info({ url, opsUrl: ops.url, topic, schemaId }, 'ingress listening');

  return {
    url,
    opsUrl: ops.url,
    async stop() {
      draining = true;
      registration.cancel();
      commandRegistration.cancel();
      reading.cancel();
      listening.cancel();
      // stop accepting; keep-alive connections are closed as soon as their in-flight request is
      // answered (answers while draining carry `Connection: close`)
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(closeIdle);
      // the rings answered last are still being recorded behind their answers
      await rings.drain();
      await publisher.close();
      await commandPublisher.close();
      await replies.stop();
      await feed.stop();
      await broker.stop();
      await ops.close();
      liveness.stop();
      redis.disconnect();
      // 'ingress stopped' is logged by runService once this resolves
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function whenTrue(condition: () => boolean, pollMs = 20): Promise<void> {
  while (!condition()) await sleep(pollMs);
}

/** Retries with capped exponential backoff until it succeeds or is cancelled. */
function registerUntilDone<T>(
  attempt: () => Promise<T>,
  log: Logger,
  what = 'schema registration',
): Promise<T> & { cancel(): void } {
  let cancelled = false;
  const run = async (): Promise<T> => {
    for (let delay = 250; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await attempt();
      } catch (error) {
        if (cancelled) throw error;
        log.warn({ err: (error as Error).message, retryInMs: delay }, `${what} failed; retrying`);
        await sleep(delay);
        if (cancelled) throw new Error('cancelled');
      }
    }
  };
  return Object.assign(run(), { cancel: () => (cancelled = true) });
}
