import { randomUUID } from 'node:crypto';
import type { ConsumerRunnerOptions, MessageHandler, OutcomeReport } from '@rb/kafka-runner';
import { ConsumerRunner, InboxRetention, OutboxRelay } from '@rb/kafka-runner';
import type { LaggingGroup, Liveness, Logger, makeConsumerMetrics } from '@rb/observability';
import { startOfferRetention } from './alternatives/offer-retention';
import type { BookingMetrics } from './booking-metrics';
import type { BookingIntentsDeps, Intent, Park, Prepared } from './booking/booking-intents';
import { makeBookingIntents } from './booking/booking-intents';
import type { ParkableEvent } from './booking/redrive-intent';
import { ParkedRedriver } from './booking/redrive-parked';
import type { Command, CommandPrepared } from './commands/booking-commands';
import { makeBookingCommands } from './commands/booking-commands';
import { makeChangeForCaller } from './commands/change-for-caller';
import type { ClaimsEvent } from './claims/check-claims';
import { makeCheckClaims } from './claims/check-claims';
import type { Config } from './config';
import { groupIds, runningGroups } from './consumer-groups';
import { makeBranchDirectory } from './directory/branch-directory';
import { withAfterCommit } from './infra/after-commit';
import type { BookingClients } from './service-clients';

/** The outbox relay's advisory lock: one publishing replica per booking database. */
const OUTBOX_LOCK_ID = 0xb00c;

export interface ConsumerParts {
  clients: BookingClients;
  /** what intents and live commands (like admin changes) need to reach Cal.com and record an outcome */
  outcomeDeps: Omit<BookingIntentsDeps, 'searchWindowDays' | 'alternativesCount'> & { commandResultsTopic: string };
  /**
   * `commands` unset: no live commands' consumer; `lifecycle` unset: no truth check (a test with
   * topics of its own)
   */
  topics: { intents: string; directory: string; commands?: string | undefined; lifecycle?: string | undefined };
  log: Logger;
  metrics: BookingMetrics;
  consumerMetrics: ReturnType<typeof makeConsumerMetrics>;
  liveness: Liveness;
  backoff?: { initialMs: number; maxMs: number } | undefined;
  onFatal?: ((reason: string) => void) | undefined;
}

export interface RunningConsumers {
  relay: OutboxRelay;
  /** the consumer groups running, with their topics (for kafka_consumer_lag) */
  groups: LaggingGroup[];
  /** the account's breaker closed: its parked intents are due now */
  accountRecovered(account: string): void;
  /** re-drives, consumers, relay, inbox and offered-alternatives pruning stopped, in that order (what is in hand finishes) */
  stop(): Promise<void>;
}

/**
 * The outbox relay to booking.outcomes.v1 and booking.command-results.v1, the directory read
 * model's consumer, the booking-intents consumer (Cal.com in `prepare`, outcome and outbox in one
 * transaction), the live commands' consumer (the same path, plus the answer) and the re-driver of
 * intents and book commands parked while their Cal.com was unavailable. A consumer stopped for good (a
 * configuration error; every other crash restarts it) makes the process not live, and fatal.
 */
export async function startConsumers(config: Config, parts: ConsumerParts): Promise<RunningConsumers> {
  const { clients, log, metrics, consumerMetrics } = parts;
  const { kafka, db } = clients;
  // what a handler observes of its change (an intent's time to outcome) waits for the commit
  const transactions = withAfterCommit(clients.transactions);
  const relay = new OutboxRelay({ kafka, transactions: clients.transactions, lockId: OUTBOX_LOCK_ID });
  consumerMetrics.watchRelay(relay, log);
  await relay.start();
  // one inbox for both consumers
  const inbox = new InboxRetention({ sql: db, retainMs: config.INBOX_RETENTION_DAYS * 24 * 3600_000 });
  inbox.on('pruned', (rows: number) => log.info({ rows }, 'old inbox rows deleted'));
  inbox.on('pruneFailed', (error: Error) => log.warn({ err: error.message }, 'inbox pruning failed; next round later'));
  inbox.start();
  // a call's offered alternatives are kept as long as its events' inbox rows: a redelivery or
  // replay that is still recognised still finds the offers its call was made
  const offers = startOfferRetention({
    sql: db,
    retainMs: config.INBOX_RETENTION_DAYS * 24 * 3600_000,
    onPruned: (rows) => log.info({ rows }, 'old offered alternatives deleted'),
    onFailed: (error) =>
      log.warn({ err: (error as Error).message }, 'pruning offered alternatives failed; next round later'),
  });

  const common = {
    kafka,
    transactions,
    fromBeginning: true,
    maxAttempts: config.MAX_ATTEMPTS,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    onOutcome: reportOutcome(parts),
    // a crash (the broker restarting, its coordinator away) rebuilds the consumer after a backoff
    onRestart: consumerMetrics.restartReporter(log),
  };
  // directory first: an intent's branch is usually known by the time it is handled
  const directory = new ConsumerRunner({
    ...common,
    groupId: groupIds(config).directory,
    topics: [parts.topics.directory],
    maxChunkSize: 100,
    handler: makeBranchDirectory(),
  });
  await directory.start();
  // intents and book commands share the lease owner, the Cal.com path and the parking
  const bookingDeps = {
    ...parts.outcomeDeps,
    lease: { owner: `booking-${randomUUID()}`, seconds: config.INTENT_LEASE_SECONDS },
    giveUpAfterMs: config.CALCOM_GIVE_UP_AFTER_MS,
    onAlternatives: metrics.onAlternatives,
    searchWindowDays: config.SEARCH_WINDOW_DAYS,
    alternativesCount: config.ALTERNATIVES_COUNT,
    onBranchUnknown: (branchId: string) => {
      metrics.onBranchUnknown();
      log.warn({ branchId }, 'branch not in the directory read model yet; default working days used');
    },
    onParked: (park: Park) => {
      metrics.onParked(park);
      redriver.wakeIn(park.retryAfterMs);
    },
  };
  const intentsHandler = makeBookingIntents({
    ...bookingDeps,
    onSuperseded: metrics.onSuperseded,
    onIntentSettled: metrics.onIntentSettled,
  });
  const commandsHandler = makeBookingCommands({
    ...bookingDeps,
    changeForCaller: makeChangeForCaller(bookingDeps),
    onAnswered: (answer, seconds) => metrics.onCommandAnswered(answer, seconds),
  });
  const commandsGroup = groupIds(config).commands;
  // intents and book commands whose Cal.com is unavailable wait in `parked_intents`, not in their partition
  const redriver = new ParkedRedriver({
    handler: parkedHandler(parts.topics.commands, intentsHandler, commandsHandler),
    db,
    transactions,
    consumer: (topic) => (topic === parts.topics.commands ? commandsGroup : config.KAFKA_GROUP_ID),
    intervalMs: config.PARKED_REDRIVE_INTERVAL_MS,
    claimSeconds: config.INTENT_LEASE_SECONDS,
    maxAttempts: config.MAX_ATTEMPTS,
    ...(parts.backoff ? { backoff: parts.backoff } : {}),
    afterCommit: () => relay.nudge(),
    onRedrive: metrics.onRedrive,
    onError: (error) => log.warn({ err: (error as Error).message }, 're-driving parked intents failed'),
  });
  const intents = new ConsumerRunner({
    ...common,
    groupId: config.KAFKA_GROUP_ID,
    topics: [parts.topics.intents],
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    // one intent per transaction: `prepare` talks to Cal.com and must not run again for a chunk
    maxChunkSize: 1,
    // a partition paused for Cal.com resumes within half a second of its time
    maxWaitTimeInMs: 500,
    ...(parts.backoff ? { backoff: parts.backoff } : {}),
    handler: intentsHandler,
    afterCommit: () => relay.nudge(),
  });
  await intents.start();
  // the live commands: a caller waits for each answer, so nothing here waits for a fetch to fill
  const commandsTopic = parts.topics.commands;
  const commands =
    commandsTopic === undefined
      ? undefined
      : new ConsumerRunner({
          ...common,
          groupId: commandsGroup,
          topics: [commandsTopic],
          partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
          // one command per transaction: `prepare` talks to Cal.com and must not run again for a chunk
          maxChunkSize: 1,
          maxWaitTimeInMs: 100,
          ...(parts.backoff ? { backoff: parts.backoff } : {}),
          handler: commandsHandler,
          afterCommit: () => relay.nudge(),
        });
  if (commands) await commands.start();
  const claims = startClaimsCheck(config, parts, common, relay);
  if (claims) await claims.start();
  redriver.start(); // parked intents left by an earlier run are taken at once
  for (const runner of [directory, intents, ...(commands ? [commands] : []), ...(claims ? [claims] : [])])
    watchCrash(runner, parts);

  return {
    relay,
    groups: runningGroups(config, parts.topics),
    accountRecovered: (account) => void redriver.accountRecovered(account),
    async stop() {
      await redriver.stop(); // finishes the re-drive in hand
      await commands?.stop(); // finishes the command in hand
      await claims?.stop();
      await intents.stop(); // finishes the intent in hand
      await directory.stop();
      await relay.stop(); // publishes what is pending
      await inbox.stop();
      await offers.stop();
    },
  };
}

/**
 * The truth check: calls.lifecycle.v1's analysed calls, their agent's claims judged against the
 * bookings that exist, a booking.claim-mismatch.v1 through the outbox when one does not hold.
 */
function startClaimsCheck(
  config: Config,
  parts: ConsumerParts,
  common: Omit<ConsumerRunnerOptions<ClaimsEvent, undefined>, 'groupId' | 'topics' | 'handler'>,
  relay: OutboxRelay,
) {
  const topic = parts.topics.lifecycle;
  if (topic === undefined) return undefined;
  const { encode, source, clock, outcomesTopic } = parts.outcomeDeps;
  return new ConsumerRunner({
    ...common,
    groupId: groupIds(config).claims,
    topics: [topic],
    maxChunkSize: 20,
    ...(parts.backoff ? { backoff: parts.backoff } : {}),
    handler: makeCheckClaims({ encode, source, clock, outcomesTopic, onVerdict: parts.metrics.onClaimsVerdict }),
    afterCommit: () => relay.nudge(),
  });
}

/**
 * The re-driver's handler: a parked event goes back through the handler of the topic it came
 * from (a book command's, or an intent's), so a re-drive takes the consumed event's path.
 */
function parkedHandler(
  commandsTopic: string | undefined,
  intents: MessageHandler<Intent, Prepared>,
  commands: MessageHandler<Command, CommandPrepared>,
): MessageHandler<ParkableEvent, { kind: string }> {
  type Any = MessageHandler<ParkableEvent, { kind: string }>;
  const of = (event: ParkableEvent) => (event.kind === 'command' ? commands : intents) as unknown as Any;
  return {
    decode: (message) => (message.topic === commandsTopic ? commands : intents).decode(message),
    prepare: (event, message) => of(event).prepare!(event, message),
    apply: (event, context) => of(event).apply(event, context),
    compensate: async (event, prepared, cause) => of(event).compensate?.(event, prepared, cause),
  };
}

function reportOutcome({ consumerMetrics, log }: ConsumerParts): (report: OutcomeReport) => void {
  return (report) => {
    consumerMetrics.onOutcome(report);
    if (report.error && report.outcome !== 'paused')
      log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'intent not processed');
    // paused: Cal.com unavailable, an intent in flight on another replica (INTENT_IN_FLIGHT), or
    // the truth check waiting for a booking still being made (CLAIMED_BOOKING_IN_PROGRESS,
    // CLAIMS_SETTLING); the error code tells which
    else if (report.error)
      log.info({ topic: report.topic, code: report.error.code }, 'paused: waiting for a dependency');
  };
}

/** A consumer stopped by a configuration error must not leave a live-looking process that consumes nothing. */
export function watchCrash(
  runner: Pick<ConsumerRunner<unknown>, 'onCrash'>,
  { log, liveness, onFatal }: Pick<ConsumerParts, 'log' | 'liveness' | 'onFatal'>,
): void {
  runner.onCrash((error, restarting) => {
    if (restarting) return; // counted and logged through onRestart
    log.error({ err: error.message }, 'consumer stopped by a configuration error');
    liveness.fail('consumer_stopped');
    onFatal?.('consumer_stopped');
  });
}
