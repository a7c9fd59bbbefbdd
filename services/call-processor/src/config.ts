import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Everything call-processor reads from the environment, validated once at start-up. */
export const ConfigSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/call_processor'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1)),
  KAFKA_GROUP_ID: z.string().min(1).default('call-processor'),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  /** Bearer token of the admin API (tenant import); at least 24 characters. */
  ADMIN_TOKEN: z.string().min(24, 'must be a secret of at least 24 characters'),
  /** A full reload of the directory at this interval, besides the reload on every change notice. */
  DIRECTORY_RELOAD_MS: int(60_000),
  MAX_ATTEMPTS: int(5),
  /** partitions of the Retell events topic handled at once (each partition's events in order) */
  CONSUMER_CONCURRENCY: int(6),
  /** fetched events of a partition that share one transaction (each with its own inbox claim) */
  CONSUMER_CHUNK_SIZE: int(100),
  SHUTDOWN_TIMEOUT_MS: int(15_000),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`) };
}

/** What the command-line tools need: only the database. */
export function parseDatabaseConfig(env: Record<string, string | undefined>): { DATABASE_URL: string } {
  return ConfigSchema.pick({ DATABASE_URL: true }).parse(env);
}
