import { randomBytes } from 'node:crypto';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';

export const testDatabaseUrl = (): string => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Tests only ever touch databases whose name says so. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!/test/i.test(name)) throw new Error(`refusing to run tests against database "${name}": its name lacks "test"`);
}

/**
 * A fresh database for one test file (`<prefix>_test_<random>`), on the server DATABASE_URL
 * names, with the given migrations run; `drop()` removes it.
 */
export async function createTestDatabase(
  prefix: string,
  migrations: (new () => MigrationInterface)[],
): Promise<{ url: string; dataSource: DataSource; drop(): Promise<void> }> {
  const server = new URL(testDatabaseUrl());
  const name = `${prefix}_test_${randomBytes(4).toString('hex')}`;
  const admin = new DataSource({ type: 'postgres', url: server.toString() });
  await admin.initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.destroy();
  const url = new URL(server);
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations, migrationsRun: true });
  await dataSource.initialize();
  return {
    url: url.toString(),
    dataSource,
    async drop() {
      await dataSource.destroy();
      const cleanup = new DataSource({ type: 'postgres', url: server.toString() });
      await cleanup.initialize();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.destroy();
    },
  };
}
