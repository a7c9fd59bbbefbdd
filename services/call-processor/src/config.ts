import { z } from 'zod';
import type { EnvConfigResult } from '@rb/observability';
import {
  adminTokenFields,
  adminTokenRequired,
  commonEnvFields,
  consumerLagEnvFields,
  parseEnvConfig,
  positiveInt,
  queryTokenFields,
  queryTokensApartFromAdmin,
} from '@rb/observability';

const int = positiveInt;

/** Everything call-processor reads from the environment, validated once at start-up. */
const FieldsSchema = z.object({
  ...commonEnvFields,
  ...consumerLagEnvFields,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/call_processor'),
  /** PostgreSQL cancels a statement running longer than this (statement_timeout) */
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000),
  /** PostgreSQL ends a session idle this long inside a transaction, rolling it back (idle_in_transaction_session_timeout) */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  /** inbox rows (processed event ids) are kept this long: longer than any redelivery, above the topics' retention */
  INBOX_RETENTION_DAYS: int(14),
  KAFKA_GROUP_ID: z.string().min(1).default('call-processor'),
  /**
   * Bearer tokens of the admin API (tenant import): ADMIN_TOKEN and/or ADMIN_TOKENS
   * (comma-separated, all accepted: rotation without downtime); each at least 24 characters.
   */
  ...adminTokenFields,
  /**
   * Bearer tokens of the internal query API (`POST /internal/customers`, asked by ingress while the
   * phone rings): QUERY_TOKENS, comma-separated, each at least 24 characters. Unset: no /internal routes.
   */
  ...queryTokenFields,
  /**
   * connections of the internal query API, apart from the consumer's pool (which a busy consumer can
   * fill: CONSUMER_CONCURRENCY transactions, the relay, inbox pruning, directory reloads); opened at start
   */
  DATABASE_QUERY_POOL_SIZE: int(4),
  /** A full reload of the directory at this interval, besides the reload on every change notice. */
  DIRECTORY_RELOAD_MS: int(60_000),
  MAX_ATTEMPTS: int(5),
  /** partitions of the Retell events topic handled at once (each partition's events in order) */
  CONSUMER_CONCURRENCY: int(6),
  /** fetched events of a partition that share one transaction (each with its own inbox claim) */
  CONSUMER_CHUNK_SIZE: int(100),
  SHUTDOWN_TIMEOUT_MS: int(15_000),
});

export const ConfigSchema = FieldsSchema.refine(...adminTokenRequired).refine(...queryTokensApartFromAdmin);

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigResult = EnvConfigResult<Config>;

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  return parseEnvConfig(ConfigSchema, env);
}

/** What the command-line tools need: only the database. */
export function parseDatabaseConfig(env: Record<string, string | undefined>): { DATABASE_URL: string } {
  return FieldsSchema.pick({ DATABASE_URL: true }).parse(env);
}

/** What `pnpm directory:republish` needs: the database, and the registry that frames the directory's events. */
export function parseRepublishConfig(env: Record<string, string | undefined>): {
  DATABASE_URL: string;
  SCHEMA_REGISTRY_URL: string;
} {
  return FieldsSchema.pick({ DATABASE_URL: true, SCHEMA_REGISTRY_URL: true }).parse(env);
}
