/**
 * `pnpm cost:import-rates <file>…`: reads the ECB's euro reference rates (the daily, 90-day or
 * history XML, or the history CSV `eurofxref-hist.csv` unzipped) into cost's database. A rate
 * already stored is never changed; a different one is reported. Calls waiting for a rate are
 * costed by the running service within PENDING_RECOST_INTERVAL_MS. Exit 0 when every file was imported without conflicts, 1 when a
 * file was invalid or had conflicts, 2 for usage. Reads DATABASE_URL like the service.
 */
import { readFile } from 'node:fs/promises';
import { typeormTransactions } from '@rb/kafka-runner';
import { parseDatabaseConfig } from '../../config';
import { importEcbRates } from '../../exchange-rates/import-ecb-rates';
import { makeDataSource } from '../../infra/db/migrations';

async function main(): Promise<number> {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: pnpm cost:import-rates <ecb xml or csv file>…\n');
    return 2;
  }
  const config = parseDatabaseConfig(process.env);
  if (config.kind === 'invalid') {
    process.stderr.write(`${config.problems.join('\n')}\n`);
    return 2;
  }
  const dataSource = makeDataSource(config.config.DATABASE_URL);
  await dataSource.initialize();
  let code = 0;
  try {
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const result = await typeormTransactions(dataSource)((sql) => importEcbRates(sql, text, new Date()));
      process.stdout.write(`${JSON.stringify({ file, ...result })}\n`);
      if (result.kind === 'invalid' || result.conflicts.length > 0) code = 1;
    }
  } finally {
    await dataSource.destroy();
  }
  return code;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`cost:import-rates failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
