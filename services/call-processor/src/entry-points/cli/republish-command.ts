import { parseArgs } from 'node:util';
import { DirectoryEntityChangedV1Schema, makeRegistryEncoder, TOPICS } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { parseRepublishConfig } from '../../config';
import { makeDataSource } from '../../infra/db/data-source';
import { makeRepublishDirectory } from '../../tenant-directory/republish-directory';

export const REPUBLISH_USAGE = 'usage: pnpm directory:republish [--wait-seconds <n> (default 60)] [--no-wait]';
/** call-processor's `ce_source`: the republished events are the service's own */
const SOURCE = '/retell-booking/call-processor';

export interface RepublishCommandOptions {
  /** the directory topic (a test's own; else tenants.directory.v1) */
  topic?: string;
  out: { write(text: string): unknown };
  /** where the usage goes */
  err: { write(text: string): unknown };
  /** how often the outbox is looked at while waiting */
  pollMs?: number;
}

/** What became of the outbox rows the republish wrote (and any written meanwhile). */
interface OutboxProgress {
  published: number;
  waiting: number;
  deadLettered: number;
}

/**
 * `pnpm directory:republish`: every directory entity's current state into call-processor's outbox
 * (makeRepublishDirectory), then, unless `--no-wait`, waits up to `--wait-seconds` for the running
 * call-processor's relay to publish them. Prints one JSON line: the entities per kind and the
 * outbox rows published, still waiting, dead-lettered. Exit 0 when every row went out (or was
 * written, with `--no-wait`); 1 when some still wait (they go out whenever the relay runs) or were
 * dead-lettered, or on failure; 2 for usage. Reads DATABASE_URL and SCHEMA_REGISTRY_URL like the service.
 */
export async function republishCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  options: RepublishCommandOptions,
): Promise<number> {
  const waitMs = waitOf(argv);
  if (waitMs === undefined) {
    options.err.write(`${REPUBLISH_USAGE}\n`);
    return 2;
  }
  const config = parseRepublishConfig(env);
  const topic = options.topic ?? TOPICS.tenantDirectory;
  const encode = await makeRegistryEncoder(config.SCHEMA_REGISTRY_URL, { [topic]: DirectoryEntityChangedV1Schema });
  const dataSource = makeDataSource(config.DATABASE_URL);
  await dataSource.initialize();
  try {
    const sql = typeormAutocommit(dataSource);
    const before = await lastOutboxId(sql);
    const republish = makeRepublishDirectory({
      transactions: typeormTransactions(dataSource),
      topic,
      encode: (event) => encode(topic, event),
      source: SOURCE,
    });
    const { counts } = await republish();
    const range = { topic, after: before, through: await lastOutboxId(sql) };
    const outbox = await waitForRelay(sql, range, waitMs, options.pollMs ?? 250);
    options.out.write(`${JSON.stringify({ republished: counts, outbox })}\n`);
    return waitMs === 0 || (outbox.waiting === 0 && outbox.deadLettered === 0) ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

/** The wait in milliseconds the arguments ask for (0: `--no-wait`); undefined when they are not usable. */
export function waitOf(argv: string[]): number | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { 'no-wait': { type: 'boolean' }, 'wait-seconds': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    if (values['no-wait']) return values['wait-seconds'] === undefined ? 0 : undefined;
    const seconds = Number(values['wait-seconds'] ?? '60');
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function lastOutboxId(sql: Sql): Promise<string> {
  const [row] = await sql.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM outbox');
  return row!.id;
}

/** Polls the directory topic's outbox rows in (after, through] until none waits, or `waitMs` passed. */
async function waitForRelay(
  sql: Sql,
  range: { topic: string; after: string; through: string },
  waitMs: number,
  pollMs: number,
): Promise<OutboxProgress> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await sql.query<{ published: string; waiting: string; dead_lettered: string }>(
      `SELECT count(*) FILTER (WHERE published_at IS NOT NULL) AS published,
              count(*) FILTER (WHERE published_at IS NULL AND dead_lettered_at IS NULL) AS waiting,
              count(*) FILTER (WHERE dead_lettered_at IS NOT NULL) AS dead_lettered
       FROM outbox WHERE topic = $1 AND id > $2::bigint AND id <= $3::bigint`,
      [range.topic, range.after, range.through],
    );
    const progress = {
      published: Number(row!.published),
      waiting: Number(row!.waiting),
      deadLettered: Number(row!.dead_lettered),
    };
    if (progress.waiting === 0 || Date.now() >= deadline) return progress;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
