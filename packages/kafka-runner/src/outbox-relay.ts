import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import {
  compressionFor,
  isTooLargeError,
  messageBytes,
  packRequests,
  PRODUCE_REQUEST_MAX_BYTES,
} from './produce-limits';
import type { Sql, Transactions } from './sql';
import type { OutboxBacklog, OutboxRow } from './outbox-store';
import { outboxStore } from './outbox-store';
import { ReplaceableProducer, within } from './replaceable-producer';
import { inPublishSpan } from './message-spans';

export interface OutboxRelayOptions {
  kafka: Kafka;
  transactions: Transactions;
  /** a number unique to this service's outbox: only the relay holding its lease publishes */
  lockId: number;
  batchSize?: number;
  /** bytes per produce request (a single larger row goes alone); under the topics' max.message.bytes */
  maxRequestBytes?: number;
  /** a produce not acknowledged within this long counts as failed (the producer is replaced) */
  sendTimeoutMs?: number;
  /** how long the publishing replica's lease lasts without renewal; longer than sendTimeoutMs */
  leaseMs?: number;
  /** how often to look for new rows when nothing was found */
  pollIntervalMs?: number;
  /** published rows older than this are deleted */
  retainPublishedMs?: number;
  /** how often the backlog is measured (the 'pending' and 'oldestPendingAge' events) */
  pendingEveryMs?: number;
  /** the relay counts as stalled (readiness) while its oldest unpublished row is older than this */
  stalledAfterMs?: number;
}

/**
 * Publishes outbox rows in insertion order with an idempotent producer (acks=all) and marks them
 * published afterwards. Only the replica holding the outbox's lease publishes, so one key's events
 * are never published out of order by two relays; no transaction or row lock is held while it
 * waits for the broker. A crash (or a lost acknowledgement) between the broker's acknowledgement
 * and the mark republishes the batch: at least once, and consumers are idempotent on the event id.
 *
 * Produce requests are bounded in bytes, and a row the broker refuses as too large even on its
 * own becomes a dead letter (`dead_lettered_at`, `dead_letter_reason`) instead of blocking every
 * row behind it. A producer whose send failed is replaced: its sequence numbers may be ahead of
 * what the broker stored, and reusing it fails every later send ("out of order sequence number").
 *
 * Events: 'published' (count), 'publishFailed' (error), 'deadLettered' ({ topic, reason }),
 * 'pending' (rows still to publish) and 'oldestPendingAge' (seconds), every `pendingEveryMs`.
 */
export class OutboxRelay extends EventEmitter {
  private readonly producer = new ReplaceableProducer(() =>
    this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
  );
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private nudged = false;
  private lastBacklog: OutboxBacklog = { pending: 0, oldestAgeSeconds: 0 };
  private readonly owner = randomUUID();

  constructor(private readonly options: OutboxRelayOptions) {
    super();
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
    this.pendingTimer = setInterval(() => void this.measure(), this.options.pendingEveryMs ?? 5_000);
    this.pendingTimer.unref();
  }

  /** Publish now instead of at the next poll (call after a transaction that wrote to the outbox). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Finishes the batch in flight, publishes what is pending, then gives up the lease and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pendingTimer);
    this.wake?.();
    await this.loop;
    await this.options
      .transactions((sql) => outboxStore.releaseLease(sql, this.options.lockId, this.owner))
      .catch(() => undefined);
    await this.producer.disconnect();
  }

  /** true while the oldest row still to publish has waited longer than `stalledAfterMs` (readiness) */
  stalled(): boolean {
    return this.lastBacklog.oldestAgeSeconds * 1000 > (this.options.stalledAfterMs ?? 60_000);
  }

  /** Rows still to publish (for the `outbox_pending_events` gauge); dead letters are not pending. */
  async pending(): Promise<number> {
    return (await this.backlog()).pending;
  }

  async backlog(): Promise<OutboxBacklog> {
    this.lastBacklog = await this.options.transactions((sql) => outboxStore.backlog(sql));
    return this.lastBacklog;
  }

  /**
   * Publishes one batch if this replica holds the lease; returns how many rows it published. A
   * batch found is sent in a PRODUCER span linked to the spans its rows come from.
   */
  async publishBatch(): Promise<number> {
    const { transactions, batchSize = 500 } = this.options;
    const rows = await transactions(async (sql) =>
      (await this.holdLease(sql)) ? outboxStore.next(sql, batchSize) : [],
    );
    return rows.length === 0 ? 0 : inPublishSpan(rows, () => this.publishRows(rows));
  }

  private async publishRows(rows: OutboxRow[]): Promise<number> {
    let published = 0;
    const maxBytes = this.options.maxRequestBytes ?? PRODUCE_REQUEST_MAX_BYTES;
    try {
      for (const request of packRequests(rows, messageBytes, maxBytes)) published += await this.publishRequest(request);
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
      // another replica publishes from here on; this one must not send the rest of its batch
    }
    return published;
  }

  /** takes or renews this replica's lease; false when another replica holds it */
  private holdLease(sql: Sql): Promise<boolean> {
    return outboxStore.takeLease(sql, this.options.lockId, this.owner, this.options.leaseMs ?? 30_000);
  }

  /**
   * Sends one request while this replica still holds the lease (renewed before each request, so a
   * batch of slow requests never outlives it); a refusal as too large is retried row by row, and a
   * row refused alone is dead-lettered.
   */
  private async publishRequest(rows: OutboxRow[]): Promise<number> {
    if (!(await this.options.transactions((sql) => this.holdLease(sql)))) throw new LeaseLost();
    try {
      await this.send(rows);
    } catch (error) {
      if (!isTooLargeError(error)) throw error;
      if (rows.length > 1) {
        let published = 0;
        for (const row of rows) published += await this.publishRequest([row]);
        return published;
      }
      const [row] = rows as [OutboxRow];
      const reason = `too_large: ${(error as Error).message}`.slice(0, 500);
      await this.options.transactions((sql) => outboxStore.deadLetter(sql, row.id, reason));
      this.emit('deadLettered', { topic: row.topic, reason: 'too_large' });
      return 0;
    }
    await this.options.transactions((sql) =>
      outboxStore.markPublished(
        sql,
        rows.map((r) => r.id),
      ),
    );
    return rows.length;
  }

  /** one produce request, connect included, acknowledged within `sendTimeoutMs` or failed */
  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    const bytes = rows.reduce((n, r) => n + messageBytes(r), 0);
    const deadline = Date.now() + (this.options.sendTimeoutMs ?? 10_000);
    try {
      const producer = await this.producer.usable(deadline - Date.now());
      const sending = producer.sendBatch({
        acks: -1,
        compression: compressionFor(bytes),
        topicMessages: [...byTopic].map(([topic, topicRows]) => ({
          topic,
          messages: topicRows.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        })),
      });
      await within(sending, Math.max(1, deadline - Date.now()), 'produce');
    } catch (error) {
      this.producer.markBroken();
      throw error;
    }
  }

  private async measure(): Promise<void> {
    try {
      const { pending, oldestAgeSeconds } = await this.backlog();
      this.emit('pending', pending);
      this.emit('oldestPendingAge', oldestAgeSeconds);
    } catch {
      // the database is unreachable: the next measurement reports again
    }
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
          await this.options.transactions((sql) => outboxStore.prune(sql, retainPublishedMs));
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

/** this replica no longer holds the outbox's lease (it expired, and another replica took it) */
class LeaseLost extends Error {}
