import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import type { DataSource } from 'typeorm';
import { createTestDatabase, testDatabaseUrl } from '../../../../../test/support/postgres';
import { makeDataSource, MIGRATIONS } from '../../infra/db/data-source';
import { Readiness, selectOne } from './readiness';

/** Integration: call-processor's pool to the real PostgreSQL, through a proxy that can cut it off. */
describe("call-processor's readiness", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: Awaited<ReturnType<typeof startCutProxy>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('call_processor', MIGRATIONS);
    const server = new URL(testDatabaseUrl());
    proxy = await startCutProxy(server.hostname, Number(server.port || 5432));
    const url = new URL(db.url);
    url.port = String(proxy.port);
    dataSource = await makeDataSource(url.toString()).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy().catch(() => undefined);
    await proxy?.close();
    await db?.drop();
  });

  it('when PostgreSQL becomes unreachable, then readiness names the database until it is back; a consumer that is not running is named too', async () => {
    let consumerRunning = true;
    const readiness = new Readiness({
      pingDatabase: selectOne(dataSource),
      consumerRunning: () => consumerRunning,
      cacheMs: 60_000, // the test pings by hand
      timeoutMs: 1_000,
    });
    await readiness.start();
    try {
      expect(readiness.notReady()).toEqual([]);

      proxy.cut(); // every connection is dropped and new ones are refused
      await readiness.probe();
      expect(readiness.notReady()).toEqual(['database']);

      consumerRunning = false; // crashed, restarting
      expect(readiness.notReady()).toEqual(['database', 'consumer']);

      proxy.restore();
      await readiness.probe();
      expect(readiness.notReady()).toEqual(['consumer']);
      consumerRunning = true;
      expect(readiness.notReady()).toEqual([]);
    } finally {
      readiness.stop();
    }
  });

  it('when the database accepts connections but does not answer, then the ping times out and the database is not ready', async () => {
    const readiness = new Readiness({
      pingDatabase: () => dataSource.query('SELECT pg_sleep(5)'),
      consumerRunning: () => true,
      cacheMs: 60_000,
      timeoutMs: 200,
    });
    await readiness.start();
    readiness.stop();
    expect(readiness.notReady()).toEqual(['database']);
  });
});

/** A TCP proxy to PostgreSQL that can cut every connection and refuse new ones until restored. */
async function startCutProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = connect({ host, port });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      up = true;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
