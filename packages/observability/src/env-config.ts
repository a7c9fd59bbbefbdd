import { z } from 'zod';

/** A positive whole number from the environment, with its default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The settings every service reads alike; each service adds its own and its port. */
export const commonEnvFields = {
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1)),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
};

export type EnvConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

/** The environment read once at start-up: the config, or every problem named (never a value). */
export function parseEnvConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): EnvConfigResult<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`) };
}
