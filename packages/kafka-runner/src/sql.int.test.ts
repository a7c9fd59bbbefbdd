import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../test/support/postgres';
import { serviceDataSource } from './sql';

/** Integration: the real PostgreSQL server; each test builds its pool the way services do. */
describe("a service's database pool (serviceDataSource)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const pools: DataSource[] = [];
  beforeAll(async () => (db = await createTestDatabase('kafka_runner', [])));
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
    await db?.drop();
  });

  async function pool(options: Parameters<typeof serviceDataSource>[2] = {}): Promise<DataSource> {
    const dataSource = serviceDataSource(db.url, [], options);
    pools.push(dataSource);
    return dataSource.initialize();
  }

  it('when no timeouts are configured, then every session has a 30 s statement timeout and a 60 s idle-in-transaction timeout', async () => {
    const dataSource = await pool();
    expect(await dataSource.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '30s' }]);
    expect(await dataSource.query('SHOW idle_in_transaction_session_timeout')).toEqual([
      { idle_in_transaction_session_timeout: '1min' },
    ]);
  });

  it('when a statement runs past the statement timeout, then the server cancels it and the pool goes on', async () => {
    const dataSource = await pool({ statementTimeoutMs: 200 });
    await expect(dataSource.query('SELECT pg_sleep(30)')).rejects.toMatchObject({ driverError: { code: '57014' } });
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('when a transaction sits idle past the idle-in-transaction timeout, then the server ends the session, its locks are freed and the pool goes on', async () => {
    const dataSource = await pool({ idleInTransactionTimeoutMs: 300 });
    await dataSource.query('CREATE TABLE idle_rows (id int PRIMARY KEY)');
    await dataSource.query('INSERT INTO idle_rows VALUES (1)');
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await runner.query('SELECT id FROM idle_rows WHERE id = 1 FOR UPDATE');
    // nothing more in the transaction: wait for the server to end that session
    const monitor = await pool({ statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 });
    for (;;) {
      const [row] = await monitor.query<{ alive: boolean }[]>(
        'SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1) AS alive',
        [pid],
      );
      if (!row!.alive) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expect(runner.query('SELECT 1')).rejects.toThrow();
    await runner.release().catch(() => undefined);
    // the row it had locked can be locked again, at once
    expect(
      await monitor.transaction((m) => m.query('SELECT id FROM idle_rows WHERE id = 1 FOR UPDATE NOWAIT')),
    ).toEqual([{ id: 1 }]);
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
