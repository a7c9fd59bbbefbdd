/**
 * `pnpm calls:replay <call id> [--write]`: rebuilds a call from its stored events (the same fold
 * the consumer uses) and compares the result with the stored state. Exit 0 when they are equal;
 * 1 when they differ (with --write the rebuilt state replaces the stored one); 2 for usage or
 * an unknown call. Reads DATABASE_URL like the service.
 */
import { isDeepStrictEqual } from 'node:util';
import { typeormTransactions } from '@rb/kafka-runner';
import { loadCallEvents, loadCallState } from '../../call-records/call-repository';
import { emptyCall, evolve } from '../../call-records/call-state';
import { parseDatabaseConfig } from '../../config';
import { makeDataSource } from '../../infra/db/data-source';

async function main(): Promise<number> {
  const [callId, flag] = process.argv.slice(2);
  if (!callId || (flag && flag !== '--write')) {
    process.stderr.write('usage: pnpm calls:replay <call id> [--write]\n');
    return 2;
  }
  const dataSource = makeDataSource(parseDatabaseConfig(process.env).DATABASE_URL);
  await dataSource.initialize();
  try {
    const transactions = typeormTransactions(dataSource);
    return await transactions(async (sql) => {
      const [events, stored] = [await loadCallEvents(sql, callId), await loadCallState(sql, callId)];
      if (events.length === 0 || !stored) {
        process.stderr.write(`no call ${callId}\n`);
        return 2;
      }
      const rebuilt = events.reduce(evolve, emptyCall(callId));
      const equal = isDeepStrictEqual(JSON.parse(JSON.stringify(rebuilt)), stored);
      process.stdout.write(`${JSON.stringify({ callId, events: events.length, stages: rebuilt.stages, equal })}\n`);
      if (!equal && flag === '--write') {
        await sql.query('UPDATE calls SET state = $2, updated_at = now() WHERE call_id = $1', [
          callId,
          JSON.stringify(rebuilt),
        ]);
        process.stdout.write('stored state replaced by the rebuilt one\n');
      }
      return equal ? 0 : 1;
    });
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`calls:replay failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
