import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import { toConsumed } from './consumed-message';
import type { RunnerError } from './errors';
import { asRunnerError } from './errors';
import type { RestartReport } from './consumer-supervisor';
import { ConsumerSupervisor } from './consumer-supervisor';
import { ignoreGone, PartitionPauses } from './partition-pauses';
import type { OutboxEvent } from './inbox-outbox';
import { appendOutbox, claimInbox, claimInboxMany } from './inbox-outbox';
import type { Sql, Transactions } from './sql';
import { deadLetterMessage } from './dead-letter';

export type { ConsumedMessage } from './consumed-message';
export type { RestartReport } from './consumer-supervisor';

export interface MessageHandler<Event, Prepared = undefined> {
  /** Reads the message; throws PoisonMessageError when it cannot be read. `eventId` is the inbox key. */
  decode(message: ConsumedMessage): { eventId: string; eventType: string; event: Event };
  /** Side effects outside the database, before the transaction; made safe by idempotency keys. */
  prepare?(event: Event, message: ConsumedMessage): Promise<Prepared>;
  /** The change to the service's own database, inside the transaction; returns the events to emit. */
  apply(event: Event, context: { sql: Sql; prepared: Prepared; message: ConsumedMessage }): Promise<OutboxEvent[]>;
  /**
   * Optional, for chunks (`maxChunkSize` > 1): the same change for several new events of one
   * partition at once, in their order, with set-based statements; must leave the database and
   * return the events exactly as `apply` one after another would. Returns each event's outbox
   * events, in the order given.
   */
  applyChunk?(
    items: readonly { event: Event; prepared: Prepared; message: ConsumedMessage }[],
    context: { sql: Sql },
  ): Promise<OutboxEvent[][]>;
  /**
   * Optional: undoes `prepare`'s side effect when the message is given up after `prepare`
   * succeeded but its transaction could not commit (the saga's compensation, e.g. cancel a
   * booking made remotely). Called before the message is dead-lettered; a failure here is
   * reported with the dead letter, never swallowed.
   */
  compensate?(event: Event, prepared: Prepared, cause: RunnerError): Promise<void>;
}

export type Outcome =
  | 'processed'
  | 'duplicate'
  | 'dead_lettered'
  | 'retried'
  | 'paused'
  /** the handler's compensation undid a prepared side effect before the dead letter */
  | 'compensated'
  | 'compensation_failed';
export interface OutcomeReport {
  topic: string;
  eventType: string;
  outcome: Outcome;
  /** from first delivery to the outcome */
  seconds: number;
  /** message age at the outcome (now − broker timestamp) */
  ageSeconds: number;
  error?: { code: string; message: string };
}

export interface ConsumerRunnerOptions<Event, Prepared> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  transactions: Transactions;
  handler: MessageHandler<Event, Prepared>;
  /** attempts before a transient failure is dead-lettered */
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
  /** observability through events: each outcome is reported, the service turns it into metrics */
  onOutcome?: (report: OutcomeReport) => void;
  /** after each committed transaction, e.g. to nudge the outbox relay */
  afterCommit?: () => void;
  /** partitions handled at once (messages of one partition always one after another) */
  partitionsConsumedConcurrently?: number;
  /**
   * Up to this many messages of a partition that are already fetched share one transaction
   * (default 1: a transaction per message). Each message still gets its own inbox claim, change
   * and outbox rows, in order; only BEGIN/COMMIT and the commit's flush to disk are shared. If
   * anything in the chunk fails, the whole transaction is rolled back and the chunk's messages
   * are handled one at a time, with the usual retries, dead letters and pauses. Keep it at 1 for
   * handlers with side effects in `prepare`, which would run again.
   */
  maxChunkSize?: number;
  /**
   * How often processed offsets are committed. The inbox makes a redelivery harmless, so offsets
   * need not be committed per message; a crash redelivers at most this much, as duplicates.
   */
  commitIntervalMs?: number;
  /**
   * The broker's longest wait for new messages in one fetch (kafkajs default 5,000 ms). A paused
   * partition is fetched again only after the fetch in flight returns, so this bounds how late
   * a resume takes effect.
   */
  maxWaitTimeInMs?: number;
  /** how long the group waits for a silent member before its partitions move (kafkajs default 30,000 ms) */
  sessionTimeoutMs?: number;
  /** delays between restarts of a crashed consumer (default 1 s doubling up to 30 s), indefinitely */
  restartBackoff?: { initialMs: number; maxMs: number };
  /** each restart of a crashed consumer, e.g. for `kafka_consumer_restarts_total` */
  onRestart?: (report: RestartReport) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The standard recipe: decode; one transaction that claims the event in the inbox, applies the
 * change and writes the outbox; only then the offset is committed. Poison goes to `<topic>.dlq`
 * at once, transient failures after `maxAttempts` with backoff and jitter; a dependency that is
 * down pauses the partition (the message is read again when it resumes). Nothing is skipped
 * without a trace, and the partition never blocks on one message.
 */
export class ConsumerRunner<Event, Prepared = undefined> {
  private readonly supervisor: ConsumerSupervisor;
  private dlqProducer: Producer | undefined;
  /** partitions paused for a dependency that is down, until their resume timer fires */
  private readonly pauses = new PartitionPauses();
  /** per topic-partition: the next offset to commit, once a flush comes */
  private readonly processed = new Map<string, { topic: string; partition: number; offset: string }>();
  private commitTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** bumped when the group rebalances: offsets processed before belong to the old assignment */
  private generation = 0;

  constructor(private readonly options: ConsumerRunnerOptions<Event, Prepared>) {
    const { groupId, topics, restartBackoff, onRestart } = options;
    this.supervisor = new ConsumerSupervisor({
      groupId,
      topics,
      create: () => this.createConsumer(),
      run: (consumer) => this.runConsumer(consumer),
      backoff: restartBackoff ?? { initialMs: 1_000, maxMs: 30_000 },
      ...(onRestart ? { onRestart } : {}),
    });
  }

  /** Starts consuming; throws when the consumer cannot start (e.g. a topic that does not exist). */
  async start(): Promise<void> {
    const dlq = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
    this.dlqProducer = this.options.kafka.producer(dlq);
    await this.dlqProducer.connect();
    await this.supervisor.start();
    this.commitTimer = setInterval(() => void this.flushCommits(), this.options.commitIntervalMs ?? 200);
  }

  /** A fresh consumer (the first, or after a crash): what the previous one had in hand is dropped. */
  private createConsumer(): Consumer {
    // its uncommitted offsets are redelivered (duplicates); its pauses ended with it
    this.generation++;
    this.processed.clear();
    this.pauses.clear();
    return this.options.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // every crash goes to the supervisor, which restarts for all but configuration errors
      retry: { retries: 5, restartOnFailure: async () => false },
      ...(this.options.maxWaitTimeInMs ? { maxWaitTimeInMs: this.options.maxWaitTimeInMs } : {}),
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
    });
  }

  private async runConsumer(consumer: Consumer): Promise<void> {
    const { topics, fromBeginning = false } = this.options;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    // offsets not yet committed when partitions move are redelivered to the new owner: duplicates
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.generation++;
      this.processed.clear();
    });
    const chunkSize = Math.max(1, this.options.maxChunkSize ?? 1);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      // kafkajs fetches on from the last resolved offset: a message is resolved once it is done
      // (processed, duplicate or dead-lettered), never when its partition was paused and rewound
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const paused = () => this.pauses.has(batch.topic, batch.partition);
        const goOn = () => !this.stopping && isRunning() && !isStale() && !paused();
        const messages = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
        for (let start = 0; start < messages.length && goOn(); start += chunkSize) {
          const chunk = messages.slice(start, start + chunkSize);
          if (chunk.length > 1 && (await this.handleChunk(chunk))) {
            for (const message of chunk) resolveOffset(message.offset);
          } else {
            for (const message of chunk) {
              if (!goOn()) return;
              await this.handle(message);
              if (paused()) return;
              resolveOffset(message.offset);
              // one at a time can be slow (retries with backoff): stay in the group meanwhile
              await heartbeat();
            }
          }
          await heartbeat();
        }
      },
    });
  }

  /** Each crash; `restarting` false: a configuration error, after which nothing is consumed. */
  onCrash(listener: (error: Error, restarting: boolean) => void): void {
    this.supervisor.onCrash(listener);
  }

  /** Commits the offsets processed since the last flush; one flush at a time. */
  flushCommits(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commitProcessed());
    return this.flushing;
  }

  private async commitProcessed(): Promise<void> {
    const consumer = this.supervisor.consumer;
    if (this.processed.size === 0 || !consumer) return;
    const offsets = [...this.processed.values()];
    const generation = this.generation;
    this.processed.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch {
      // kept for the next flush, unless the partitions moved meanwhile or a newer offset came
      if (generation !== this.generation) return;
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.processed.has(key)) this.processed.set(key, o);
      }
    }
  }

  /** Stops fetching, lets the messages in hand finish, commits their offsets, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.supervisor.stop();
    this.pauses.clear();
    clearInterval(this.commitTimer);
    const consumer = this.supervisor.consumer;
    ignoreGone(() => consumer?.pause(this.options.topics.map((topic) => ({ topic }))));
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.flushCommits();
    await consumer?.disconnect();
    await this.dlqProducer?.disconnect();
  }

  private inFlight = 0;
  private stopping = false;

  /**
   * A chunk of one partition's messages in one transaction. False when anything failed: nothing
   * of the chunk was committed, and the caller handles its messages one at a time.
   */
  private async handleChunk(chunk: ConsumedMessage[]): Promise<boolean> {
    const { handler, transactions, groupId } = this.options;
    const started = Date.now();
    this.inFlight++;
    let decoded: ({ message: ConsumedMessage } & ReturnType<MessageHandler<Event, Prepared>['decode']>)[];
    let outcomes: Outcome[];
    try {
      decoded = chunk.map((message) => ({ message, ...handler.decode(message) }));
      const prepared: Prepared[] = [];
      for (const d of decoded)
        prepared.push((handler.prepare ? await handler.prepare(d.event, d.message) : undefined) as Prepared);
      outcomes = await transactions(async (sql) => {
        // one claim for the chunk; then the handler's set-based statements and one outbox
        // insert, or, without applyChunk, its change event after event
        const claimed = await claimInboxMany(
          sql,
          groupId,
          decoded.map((d) => d.eventId),
        );
        const fresh = decoded.flatMap((d, i) =>
          claimed[i] ? [{ event: d.event, prepared: prepared[i]!, message: d.message }] : [],
        );
        if (handler.applyChunk) {
          const emitted = fresh.length > 0 ? await handler.applyChunk(fresh, { sql }) : [];
          await appendOutbox(sql, emitted.flat());
        } else {
          for (const f of fresh) await appendOutbox(sql, await handler.apply(f.event, { sql, ...f }));
        }
        return claimed.map((c): Outcome => (c ? 'processed' : 'duplicate'));
      });
    } catch {
      // nothing of the chunk was committed: its messages are handled one at a time
      this.inFlight--;
      return false;
    }
    // committed: from here on nothing may send the chunk through the one-at-a-time path again
    try {
      for (const [i, d] of decoded.entries()) {
        await this.commit(d.message);
        this.report(d.message, d.eventType, outcomes[i]!, started);
      }
      if (outcomes.includes('processed')) this.options.afterCommit?.();
    } finally {
      this.inFlight--;
    }
    return true;
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    this.inFlight++;
    try {
      await this.handleOnce(message);
    } finally {
      this.inFlight--;
    }
  }

  private async handleOnce(message: ConsumedMessage): Promise<void> {
    const { maxAttempts = 5, backoff = { initialMs: 200, maxMs: 5_000 }, sleep = defaultSleep } = this.options;
    const started = Date.now();
    let eventType = 'unknown';
    for (let attempt = 1; ; attempt++) {
      // what this attempt's prepare produced, while its transaction has not committed
      const pending: { decoded?: { event: Event }; prepared?: { value: Prepared } } = {};
      try {
        const decoded = this.options.handler.decode(message);
        eventType = decoded.eventType;
        pending.decoded = decoded;
        const outcome = await this.process(decoded, message, pending);
        await this.commit(message);
        if (outcome === 'processed') this.options.afterCommit?.();
        return this.report(message, eventType, outcome, started);
      } catch (caught) {
        const error = asRunnerError(caught);
        if (error.disposition === 'dependency_down') {
          const resumeAfterMs = (error as { retryAfterMs?: number }).retryAfterMs ?? 5_000;
          // stopping: no resume timer; the message comes again to whoever consumes next
          this.pauses.pause(this.supervisor.consumer!, message, this.stopping ? undefined : resumeAfterMs);
          return this.report(message, eventType, 'paused', started, error);
        }
        if (error.disposition === 'poison' || attempt >= maxAttempts) {
          if (pending.decoded && pending.prepared && this.options.handler.compensate) {
            await this.compensate(pending.decoded.event, pending.prepared.value, error, message, eventType, started);
          }
          await deadLetterMessage(this.dlqProducer!, message, {
            error,
            attempts: attempt,
            consumer: this.options.groupId,
          });
          await this.commit(message);
          return this.report(message, eventType, 'dead_lettered', started, error);
        }
        this.report(message, eventType, 'retried', started, error);
        const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2)); // equal jitter
      }
    }
  }

  private async process(
    decoded: { eventId: string; event: Event },
    message: ConsumedMessage,
    pending: { prepared?: { value: Prepared } },
  ): Promise<Outcome> {
    const { handler, transactions, groupId } = this.options;
    const prepared = (handler.prepare ? await handler.prepare(decoded.event, message) : undefined) as Prepared;
    pending.prepared = { value: prepared };
    return transactions(async (sql) => {
      if (!(await claimInbox(sql, groupId, decoded.eventId))) return 'duplicate';
      await appendOutbox(sql, await handler.apply(decoded.event, { sql, prepared, message }));
      return 'processed';
    });
  }

  /** Undoes a prepared side effect of a message about to be dead-lettered; reports a failure. */
  private async compensate(
    event: Event,
    prepared: Prepared,
    cause: RunnerError,
    message: ConsumedMessage,
    eventType: string,
    started: number,
  ): Promise<void> {
    try {
      await this.options.handler.compensate!(event, prepared, cause);
      this.report(message, eventType, 'compensated', started, cause);
    } catch (caught) {
      const failed = asRunnerError(caught);
      this.report(message, eventType, 'compensation_failed', started, failed);
    }
  }

  /** Marks the message done; its offset is committed with the next flush. */
  private commit(message: ConsumedMessage): Promise<void> {
    const next = (BigInt(message.offset) + 1n).toString();
    this.processed.set(`${message.topic}:${message.partition}`, {
      topic: message.topic,
      partition: message.partition,
      offset: next,
    });
    return Promise.resolve();
  }

  private report(
    message: ConsumedMessage,
    eventType: string,
    outcome: Outcome,
    started: number,
    error?: RunnerError,
  ): void {
    this.options.onOutcome?.({
      topic: message.topic,
      eventType,
      outcome,
      seconds: (Date.now() - started) / 1000,
      ageSeconds: Math.max(0, (Date.now() - message.timestamp) / 1000),
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
  }
}
