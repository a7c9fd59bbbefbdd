import type { Kafka } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import type { RestartReport } from './consumer-supervisor';
import type { RunnerError } from './errors';
import type { OutboxEvent } from './inbox-outbox';
import type { OffsetCommits } from './offset-commits';
import type { OutcomeReport, ReportOutcome } from './outcome-report';
import type { Sql, Transactions } from './sql';

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

/** What the runner hands the parts that handle messages (inside the kit, not exported). */
export interface HandlingContext<Event, Prepared> {
  options: ConsumerRunnerOptions<Event, Prepared>;
  /** where a message that is done is marked, for the next offset commit */
  commits: OffsetCommits;
  report: ReportOutcome;
}
