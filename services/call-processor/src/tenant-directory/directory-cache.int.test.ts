import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { typeormTransactions } from '@rb/kafka-runner';
import { REPO_ROOT } from '../../../../test/paths';
import { MIGRATIONS } from '../infra/db/data-source';
import { createTestDatabase } from '../../../../test/support/postgres';
import { DirectoryCache } from './directory-cache';
import { makeImportTenantsFile } from './import-tenants-file';

/** Integration: the real PostgreSQL, its LISTEN/NOTIFY. */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('call_processor', MIGRATIONS);
});
afterAll(() => db.drop());

const waitFor = async (ok: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the in-memory tenant directory', () => {
  it('when tenants are imported while it runs, then the change notice reloads it without a restart', async () => {
    const transactions = typeormTransactions(db.dataSource);
    const cache = new DirectoryCache({ transactions, databaseUrl: db.url, reloadEveryMs: 3_600_000 });
    await cache.start();
    expect(cache.directory.size).toBe(0);
    const imported = await makeImportTenantsFile({
      transactions,
      encode: () => Buffer.alloc(0),
      clock: () => new Date(),
      source: '/test',
    })(readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'));
    expect(imported.kind).toBe('imported');
    await waitFor(() => cache.directory.size === 3);
    expect(cache.directory.route('+493412240870')).toMatchObject({ active: true, timeZone: 'Europe/Berlin' });
    await cache.stop();
  });

  it('when the database cannot be read at start, then start-up fails instead of serving an empty directory', async () => {
    const cache = new DirectoryCache({
      transactions: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      databaseUrl: db.url,
      reloadEveryMs: 3_600_000,
    });
    await expect(cache.start()).rejects.toThrow(/ECONNREFUSED/);
  });
});
