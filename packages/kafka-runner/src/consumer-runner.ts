import type { Consumer, Producer } from 'kafkajs';
import { consumeBatch, handleChunk } from './batch-chunks';
import type { ConsumerRunnerOptions } from './consumer-runner-options';
import { ConsumerSupervisor } from './consumer-supervisor';
import type { AttemptContext } from './message-attempts';
import { handleTraced } from './message-attempts';
import { OffsetCommits } from './offset-commits';
import { outcomeReporter } from './outcome-report';
import { ignoreGone, PartitionPauses } from './partition-pauses';

export type { ConsumedMessage } from './consumed-message';
export type { RestartReport } from './consumer-supervisor';
export type { ConsumerRunnerOptions, MessageHandler } from './consumer-runner-options';
export type { Outcome, OutcomeReport } from './outcome-report';

/**
 * The standard recipe: decode; one transaction that claims the event in the inbox, applies the
 * change and writes the outbox; only then the offset is committed. Poison goes to `<topic>.dlq`
 * at once, transient failures after `maxAttempts` with backoff and jitter; a dependency that is
 * down pauses the partition (the message is read again when it resumes). Nothing is skipped
 * without a trace, and the partition never blocks on one message.
 *
 * The parts: `batch-chunks` (a fetched batch in chunks, a chunk in one transaction),
 * `message-attempts` (one message: retries, dead letter, compensation, pause), `offset-commits`,
 * `partition-pauses`, and the supervisor that restarts a crashed consumer.
 */
export class ConsumerRunner<Event, Prepared = undefined> {
  private readonly supervisor: ConsumerSupervisor;
  private dlqProducer: Producer | undefined;
  /** partitions paused for a dependency that is down, until their resume timer fires */
  private readonly pauses = new PartitionPauses();
  private readonly commits = new OffsetCommits(() => this.supervisor.consumer);
  private readonly context: AttemptContext<Event, Prepared>;
  /** messages (or chunks) being handled: stop waits for them */
  private inFlight = 0;
  private stopping = false;

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
    this.context = {
      options,
      commits: this.commits,
      report: outcomeReporter(options),
      // stopping: no resume timer; the message comes again to whoever consumes next
      pause: (message, resumeAfterMs) =>
        this.pauses.pause(this.supervisor.consumer!, message, this.stopping ? undefined : resumeAfterMs),
      deadLetterProducer: () => this.dlqProducer!,
    };
  }

  /** Starts consuming; throws when the consumer cannot start (e.g. a topic that does not exist). */
  async start(): Promise<void> {
    const dlq = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
    this.dlqProducer = this.options.kafka.producer(dlq);
    await this.dlqProducer.connect();
    await this.supervisor.start();
    this.commits.startFlushing(this.options.commitIntervalMs ?? 200);
  }

  /** A fresh consumer (the first, or after a crash): what the previous one had in hand is dropped. */
  private createConsumer(): Consumer {
    // its uncommitted offsets are redelivered (duplicates); its pauses ended with it
    this.commits.forget();
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
    consumer.on(consumer.events.GROUP_JOIN, () => this.commits.forget());
    const chunkSize = Math.max(1, this.options.maxChunkSize ?? 1);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) =>
        consumeBatch(payload, {
          chunkSize,
          stopping: () => this.stopping,
          paused: (topic, partition) => this.pauses.has(topic, partition),
          handleChunk: (chunk) => this.track(() => handleChunk(chunk, this.context)),
          handle: (message) => this.track(() => handleTraced(message, this.context)),
        }),
    });
  }

  /**
   * Each crash; `restarting` false: a configuration error, after which nothing is consumed (a
   * listener added after that hears it at once). Services mark themselves not live on it:
   * `runner.onCrash((_e, restarting) => { if (!restarting) liveness.fail('consumer_stopped') })`.
   */
  onCrash(listener: (error: Error, restarting: boolean) => void): void {
    this.supervisor.onCrash(listener);
  }

  /** Commits the offsets processed since the last flush; one flush at a time. */
  flushCommits(): Promise<void> {
    return this.commits.flush();
  }

  /** Stops fetching, lets the messages in hand finish, commits their offsets, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.supervisor.stop();
    this.pauses.clear();
    this.commits.stopFlushing();
    const consumer = this.supervisor.consumer;
    ignoreGone(() => consumer?.pause(this.options.topics.map((topic) => ({ topic }))));
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.flushCommits();
    await consumer?.disconnect();
    await this.dlqProducer?.disconnect();
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}
