/**
 * `pnpm directory:republish [--wait-seconds <n>] [--no-wait]`: every tenant directory entity's
 * current state to tenants.directory.v1 again, through call-processor's outbox (see
 * republish-command.ts). Reads DATABASE_URL and SCHEMA_REGISTRY_URL like the service.
 */
import { republishCommand } from './republish-command';

republishCommand(process.argv.slice(2), process.env, { out: process.stdout, err: process.stderr }).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`directory:republish failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
