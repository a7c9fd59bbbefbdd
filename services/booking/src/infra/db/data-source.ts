import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** booking's own database; migrations run at start-up (each once, in a transaction). */
export function makeDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize: 20,
    // a pool that cannot give a connection says so instead of hanging every caller
    extra: { connectionTimeoutMillis: 10_000 },
  });
}
