import { EventEmitter } from 'node:events';
import type { Sql } from './sql';

/** What the inbox keeps unless a service is configured otherwise: twice the broker's default retention of 7 days. */
export const INBOX_RETENTION_DEFAULT_MS = 14 * 24 * 3600_000;

/**
 * Deletes up to `batchSize` inbox rows claimed more than `olderThanMs` ago, oldest first, in one
 * statement (run it outside a transaction: each batch commits on its own). The range and the
 * order walk `processed_messages_processed_at`; rows another session holds are skipped, so a
 * batch never waits for a consumer. Returns how many rows it deleted.
 */
export async function pruneInboxBatch(sql: Sql, olderThanMs: number, batchSize: number): Promise<number> {
  const rows = await sql.query<{ n: string }>(
    `WITH old AS (
       SELECT consumer, event_id FROM processed_messages
       WHERE processed_at < now() - make_interval(secs => $1)
       ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED),
     gone AS (
       DELETE FROM processed_messages p USING old
       WHERE p.consumer = old.consumer AND p.event_id = old.event_id RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [olderThanMs / 1000, batchSize],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface InboxRetentionOptions {
  /** single statements, each committing on its own (`typeormAutocommit`) */
  sql: Sql;
  /**
   * how long a processed event's inbox row is kept: longer than any redelivery can come late
   * (the source topics' retention, a replay from the earliest offset), or a late copy is applied twice
   */
  retainMs?: number;
  /** rows per DELETE: small enough that each statement holds its row locks only briefly */
  batchSize?: number;
  /** how often old rows are looked for */
  everyMs?: number;
}

/**
 * Keeps `processed_messages` (the inbox) bounded: every `everyMs` it deletes the rows older than
 * `retainMs` in batches, one short statement each, until a batch comes back short. Safe on every
 * replica at once.
 *
 * Events: 'pruned' (rows deleted in one round, when any), 'pruneFailed' (error).
 */
export class InboxRetention extends EventEmitter {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: InboxRetentionOptions) {
    super();
  }

  /** Prunes once now (in the background), then every `everyMs`. */
  start(): void {
    this.stopped = false;
    const run = () => void this.pruneNow().catch(() => undefined);
    this.timer = setInterval(run, this.options.everyMs ?? 10 * 60_000);
    this.timer.unref();
    run();
  }

  /** One round: batches until a short one; resolves with the rows deleted. */
  pruneNow(): Promise<number> {
    this.round ??= this.prune().finally(() => (this.round = undefined));
    return this.round;
  }

  /** Stops the timer and lets a round in progress finish its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
  }

  private async prune(): Promise<number> {
    const { sql, retainMs = INBOX_RETENTION_DEFAULT_MS, batchSize = 1_000 } = this.options;
    let total = 0;
    try {
      for (;;) {
        const n = await pruneInboxBatch(sql, retainMs, batchSize);
        total += n;
        if (n < batchSize || this.stopped) break;
      }
    } catch (error) {
      this.emit('pruneFailed', error);
      throw error;
    }
    if (total > 0) this.emit('pruned', total);
    return total;
  }
}
