import { EventEmitter } from 'node:events';
import type { Kafka, Producer } from 'kafkajs';
import type { Transactions } from './sql';

export interface OutboxRelayOptions {
  kafka: Kafka;
  transactions: Transactions;
  /** a number unique to this service's outbox: only the relay holding its advisory lock publishes */
  lockId: number;
  batchSize?: number;
  /** how often to look for new rows when nothing was found */
  pollIntervalMs?: number;
  /** published rows older than this are deleted */
  retainPublishedMs?: number;
  /** how often the rows still to publish are counted (the 'pending' event) */
  pendingEveryMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows in insertion order with an idempotent producer (acks=all) and marks them
 * published in the transaction that locked them. Only the replica holding the outbox's advisory
 * lock publishes, so one key's events are never published out of order by two relays. A crash
 * between the broker's acknowledgement and the commit republishes the batch: at least once,
 * and consumers are idempotent on the event id.
 *
 * Events: 'published' (count), 'publishFailed' (error), 'pending' (rows still to publish, every
 * `pendingEveryMs`).
 */
export class OutboxRelay extends EventEmitter {
  private producer: Producer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    super();
  }

  async start(): Promise<void> {
    this.producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
    this.pendingTimer = setInterval(
      () =>
        void this.pending().then(
          (n) => this.emit('pending', n),
          () => undefined,
        ),
      this.options.pendingEveryMs ?? 5_000,
    );
    this.pendingTimer.unref();
  }

  /** Publish now instead of at the next poll (call after a transaction that wrote to the outbox). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Finishes the batch in flight, publishes what is pending, then disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pendingTimer);
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect();
  }

  /** Publishes one batch if this replica holds the lock; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const { transactions, lockId, batchSize = 500 } = this.options;
    return transactions(async (sql) => {
      const [lock] = await sql.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [lockId]);
      if (!lock?.locked) return 0;
      const rows = await sql.query<OutboxRow>(
        `SELECT id, topic, key, value, headers FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      await this.producer!.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicRows]) => ({
          topic,
          messages: topicRows.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        })),
      });
      await sql.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Rows still to publish (for the `outbox_pending_events` gauge). */
  async pending(): Promise<number> {
    const [row] = await this.options.transactions((sql) =>
      sql.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'),
    );
    return Number(row?.n ?? 0);
  }

  private async run(): Promise<void> {
    const { pollIntervalMs = 200, retainPublishedMs = 7 * 24 * 3600_000 } = this.options;
    let lastPrune = 0;
    while (this.running) {
      let published = 0;
      // a nudge that comes while this batch reads the outbox may be for a row it did not see yet
      this.nudged = false;
      try {
        published = await this.publishBatch();
        if (published > 0) this.emit('published', published);
        if (Date.now() - lastPrune > 60_000) {
          lastPrune = Date.now();
          await this.options.transactions((sql) =>
            sql.query(`DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`, [
              retainPublishedMs / 1000,
            ]),
          );
        }
      } catch (error) {
        this.emit('publishFailed', error);
        await this.sleep(Math.min(5_000, pollIntervalMs * 10));
        continue;
      }
      if (published === 0 && this.running && !this.nudged) await this.sleep(pollIntervalMs);
    }
    // drain what is left before stopping
    for (let n = 1; n > 0;) n = await this.publishBatch().catch(() => 0);
  }

  private nudged = false;

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
