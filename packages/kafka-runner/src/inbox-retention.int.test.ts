import { once } from 'node:events';
import { createTestDatabase } from '../../../test/support/postgres';
import { InboxRetention, pruneInboxBatch } from './inbox-retention';
import { claimInbox } from './inbox-outbox';
import type { Sql } from './sql';
import { CreateMessagingTables1764000000000, typeormAutocommit, typeormTransactions } from './sql';

/** Integration: the real PostgreSQL, the kit's own tables. */
describe('inbox retention (processed_messages)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: Sql;
  beforeAll(async () => {
    db = await createTestDatabase('inbox_retention', [CreateMessagingTables1764000000000]);
    sql = typeormAutocommit(db.dataSource);
  });
  afterAll(() => db?.drop());
  beforeEach(() => sql.query('TRUNCATE processed_messages'));

  const DAY = 24 * 3600_000;
  /** `count` inbox rows of `consumer` claimed `ageDays` ago */
  const claimed = (consumer: string, count: number, ageDays: number) =>
    sql.query(
      `INSERT INTO processed_messages (consumer, event_id, processed_at)
       SELECT $1, $1 || ':' || $3::int || 'd:' || n, now() - make_interval(days => $3::int) FROM generate_series(1, $2) AS n`,
      [consumer, count, ageDays],
    );
  const count = async (where = 'true') =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM processed_messages WHERE ${where}`))[0]!.n);

  it('when rows are older than the retention, then a round deletes them in batches and keeps the recent ones, which still deduplicate', async () => {
    await claimed('booking', 2_500, 20);
    await claimed('booking-directory', 400, 15);
    await claimed('booking', 300, 13);
    const retention = new InboxRetention({ sql, retainMs: 14 * DAY, batchSize: 1_000 });
    const batches: number[] = [];
    const counting: Sql = {
      query: async (text, params) => {
        const rows = await sql.query(text, params);
        if (text.includes('DELETE')) batches.push(Number((rows[0] as { n: string }).n));
        return rows as never;
      },
    };
    expect(await new InboxRetention({ sql: counting, retainMs: 14 * DAY, batchSize: 1_000 }).pruneNow()).toBe(2_900);
    expect(batches).toEqual([1_000, 1_000, 900]); // one short statement each, never all at once
    expect(await count()).toBe(300);
    expect(await retention.pruneNow()).toBe(0);
    // a redelivery of a kept event is still recognised
    expect(await typeormTransactions(db.dataSource)((tx) => claimInbox(tx, 'booking', 'booking:13d:1'))).toBe(false);
  });

  it('when started, then it prunes at once and tells how many rows went; stop ends it', async () => {
    await claimed('call-processor', 50, 30);
    await claimed('call-processor-new', 5, 0);
    const retention = new InboxRetention({ sql, retainMs: 14 * DAY, everyMs: 3600_000 });
    const pruned = once(retention, 'pruned');
    retention.start();
    expect(await pruned).toEqual([50]);
    await retention.stop();
    expect(await count()).toBe(5);
  });

  it('when a batch meets a row another transaction holds, then it skips that row instead of waiting for it', async () => {
    await claimed('booking', 10, 20);
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT 1 FROM processed_messages WHERE event_id = 'booking:20d:1' FOR UPDATE`);
      expect(await pruneInboxBatch(sql, 14 * DAY, 100)).toBe(9);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await pruneInboxBatch(sql, 14 * DAY, 100)).toBe(1);
  });

  it('when the planner may not scan the table, then the batch walks the processed_at index (it is usable for the range and the order)', async () => {
    let statement: [string, unknown[] | undefined] = ['', undefined];
    await pruneInboxBatch({ query: async (text, params) => ((statement = [text, params]), [] as never) }, DAY, 1_000);
    const plan = await typeormTransactions(db.dataSource)(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      await tx.query('SET LOCAL enable_bitmapscan = off');
      return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement[0]}`, statement[1]);
    });
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('Index Scan using processed_messages_processed_at');
    expect(text).not.toContain('Sort');
  });
});
