import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Sql } from './sql';

export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Rows still to publish and how long the oldest has waited (the stall signal). */
export interface OutboxBacklog {
  pending: number;
  oldestAgeSeconds: number;
}

/**
 * The relay's statements. Each runs in a short transaction of its own: nothing is held while the
 * relay waits for the broker. Which replica publishes is decided by a lease row, taken under the
 * outbox's advisory lock and renewed before every batch.
 */
export const outboxStore = {
  /** true when this owner holds (or just took) the lease; another owner's lease must have expired */
  async takeLease(sql: Sql, lockId: number, owner: string, leaseMs: number): Promise<boolean> {
    const [lock] = await sql.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [lockId]);
    if (!lock?.locked) return false;
    const rows = await sql.query(
      `INSERT INTO outbox_relay_lease (lock_id, owner, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (lock_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE outbox_relay_lease.owner = EXCLUDED.owner OR outbox_relay_lease.expires_at < now()
       RETURNING owner`,
      [lockId, owner, leaseMs / 1000],
    );
    return rows.length === 1;
  },

  async releaseLease(sql: Sql, lockId: number, owner: string): Promise<void> {
    await sql.query('DELETE FROM outbox_relay_lease WHERE lock_id = $1 AND owner = $2', [lockId, owner]);
  },

  /** the next rows in insertion order, skipping dead letters */
  next(sql: Sql, limit: number): Promise<OutboxRow[]> {
    return sql.query<OutboxRow>(
      `SELECT id, topic, key, value, headers FROM outbox
       WHERE published_at IS NULL AND dead_lettered_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
  },

  async markPublished(sql: Sql, ids: string[]): Promise<void> {
    await sql.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  },

  async deadLetter(sql: Sql, id: string, reason: string): Promise<void> {
    await sql.query('UPDATE outbox SET dead_lettered_at = now(), dead_letter_reason = $2 WHERE id = $1', [id, reason]);
  },

  async prune(sql: Sql, retainPublishedMs: number): Promise<void> {
    await sql.query(`DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`, [
      retainPublishedMs / 1000,
    ]);
  },

  async backlog(sql: Sql): Promise<OutboxBacklog> {
    const [row] = await sql.query<{ n: string; age: string | null }>(
      `SELECT count(*) AS n, extract(epoch FROM now() - min(created_at)) AS age
       FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL`,
    );
    return { pending: Number(row?.n ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
  },
};

/**
 * The kit's second migration, listed by every service after `CreateMessagingTables`: outbox rows
 * the broker refuses for good (over the topic's size limit) are set aside as dead letters with
 * their reason instead of blocking every row behind them, and the relay's lease.
 */
export class OutboxDeadLettersAndLease1766000000000 implements MigrationInterface {
  name = 'OutboxDeadLettersAndLease1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE outbox ADD COLUMN dead_lettered_at timestamptz, ADD COLUMN dead_letter_reason text',
    );
    await runner.query('DROP INDEX outbox_unpublished');
    await runner.query(
      'CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND dead_lettered_at IS NULL',
    );
    await runner.query('CREATE INDEX outbox_dead_letters ON outbox (id) WHERE dead_lettered_at IS NOT NULL');
    await runner.query(`CREATE TABLE outbox_relay_lease (
      lock_id bigint PRIMARY KEY,
      owner text NOT NULL,
      expires_at timestamptz NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox_relay_lease');
    await runner.query('DROP INDEX outbox_dead_letters');
    await runner.query('DROP INDEX outbox_unpublished');
    await runner.query('CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL');
    await runner.query('ALTER TABLE outbox DROP COLUMN dead_lettered_at, DROP COLUMN dead_letter_reason');
  }
}
