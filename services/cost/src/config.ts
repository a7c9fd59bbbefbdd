import { z } from 'zod';
import type { EnvConfigResult } from '@rb/observability';
import {
  adminTokenFields,
  adminTokenRequired,
  commonEnvFields,
  consumerLagEnvFields,
  parseEnvConfig,
  positiveInt,
} from '@rb/observability';

const int = positiveInt;

/** Everything cost reads from the environment, validated once at start-up. */
const FieldsSchema = z.object({
  ...commonEnvFields,
  ...consumerLagEnvFields,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/cost'),
  /** PostgreSQL cancels a statement running longer than this (statement_timeout) */
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000),
  /** PostgreSQL ends a session idle this long inside a transaction, rolling it back (idle_in_transaction_session_timeout) */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  /** inbox rows (processed event ids) are kept this long: longer than any redelivery, above the topics' retention */
  INBOX_RETENTION_DAYS: int(14),
  /** the calls consumer (lifecycle, intents, outcomes); the directory read model uses `<group>-directory` */
  KAFKA_GROUP_ID: z.string().min(1).default('cost'),
  /**
   * The operator's bearer tokens (plans, rates, re-costs, every report): ADMIN_TOKEN and/or
   * ADMIN_TOKENS (comma-separated); each at least 24 characters. Resellers get their own tokens
   * through the API, which see only their companies.
   */
  ...adminTokenFields,
  /** calls waiting for a rate, plan or directory entry are looked at again this often (and at once after an import or a price change) */
  PENDING_RECOST_INTERVAL_MS: int(60_000),
  MAX_ATTEMPTS: int(5),
  /** partitions of the call topics handled at once (each partition's events in order) */
  CONSUMER_CONCURRENCY: int(6),
  /** fetched events of a partition that share one transaction (each with its own inbox claim) */
  CONSUMER_CHUNK_SIZE: int(100),
  SHUTDOWN_TIMEOUT_MS: int(15_000),
});

export const ConfigSchema = FieldsSchema.refine(...adminTokenRequired);

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigResult = EnvConfigResult<Config>;

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  return parseEnvConfig(ConfigSchema, env);
}

/** What the command-line tools (the ECB import) need: the database. */
export function parseDatabaseConfig(
  env: Record<string, string | undefined>,
): EnvConfigResult<{ DATABASE_URL: string }> {
  return parseEnvConfig(FieldsSchema.pick({ DATABASE_URL: true }), env);
}
