import { z } from 'zod';
import { TRACE_SAMPLERS } from './tracing';

/** A positive whole number from the environment, with its default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** a plain decimal such as 0.25 or .5: no sign, exponent, hex or `Infinity` */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const SAMPLER_SHARE = 'must be a decimal from 0 to 1 (the share of new traces kept)';

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
  /** OpenTelemetry: traces go by OTLP/HTTP to `<this>/v1/traces`; unset (and no traces endpoint): tracing off */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** the full URL traces go to; wins over OTEL_EXPORTER_OTLP_ENDPOINT */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** which traces are kept (the OpenTelemetry SDKs' names, any case); parentbased_always_on by default */
  OTEL_TRACES_SAMPLER: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.enum(TRACE_SAMPLERS, { error: `must be one of ${TRACE_SAMPLERS.join(', ')}` }).default('parentbased_always_on'),
  ),
  /** the traceidratio samplers' share of new traces kept, a decimal from 0 to 1 (default 1) */
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(
    (v) => (typeof v !== 'string' ? v : v.trim() === '' ? undefined : DECIMAL.test(v.trim()) ? Number(v) : v),
    z.number({ error: SAMPLER_SHARE }).min(0, SAMPLER_SHARE).max(1, SAMPLER_SHARE).optional(),
  ),
};

const ADMIN_SECRET = 'must be a secret of at least 24 characters';
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Secrets from one variable, comma-separated (blanks dropped), each at least 24 characters: all accepted, for rotation. */
const secretList = () =>
  z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .optional()
      .transform((list) =>
        (list ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().min(24, ADMIN_SECRET))),
  );

/**
 * The admin API's bearer tokens: `ADMIN_TOKEN`, and `ADMIN_TOKENS` (comma-separated), every one of
 * them accepted, so a token can be rotated without downtime. At least one is required
 * (`adminTokenRequired`); `adminTokensOf` gives the list. Problems name the setting, never a token.
 */
export const adminTokenFields = {
  ADMIN_TOKEN: z.preprocess(unsetWhenEmpty, z.string().min(24, ADMIN_SECRET).optional()),
  ADMIN_TOKENS: secretList(),
};

/**
 * Bearer tokens of a service's internal query API (`/internal/...`, asked by other services while
 * a caller waits): `QUERY_TOKENS`, comma-separated, each at least 24 characters, all accepted
 * (rotation). Unset: the service answers no internal query (404), so nothing is open by accident.
 * With the admin tokens, refine with `queryTokensApartFromAdmin`.
 */
export const queryTokenFields = {
  QUERY_TOKENS: secretList(),
};

/** `schema.refine(...queryTokensApartFromAdmin)`: whoever holds a query token cannot use the admin API with it */
export const queryTokensApartFromAdmin: [
  check: (config: { ADMIN_TOKEN?: string | undefined; ADMIN_TOKENS: string[]; QUERY_TOKENS: string[] }) => boolean,
  options: { path: PropertyKey[]; message: string },
] = [
  (c) => !c.QUERY_TOKENS.some((t) => t === c.ADMIN_TOKEN || c.ADMIN_TOKENS.includes(t)),
  { path: ['QUERY_TOKENS'], message: 'must differ from every admin token (ADMIN_TOKEN, ADMIN_TOKENS)' },
];

/** `schema.refine(...adminTokenRequired)`: one of ADMIN_TOKEN, ADMIN_TOKENS set, named with the other problems */
export const adminTokenRequired: [
  check: (config: { ADMIN_TOKEN?: unknown; ADMIN_TOKENS?: unknown }) => boolean,
  options: { path: PropertyKey[]; message: string; when: () => boolean },
] = [
  (config) =>
    config.ADMIN_TOKEN !== undefined ||
    (Array.isArray(config.ADMIN_TOKENS) ? config.ADMIN_TOKENS.length > 0 : config.ADMIN_TOKENS !== undefined),
  {
    path: ['ADMIN_TOKEN'],
    message: `set ADMIN_TOKEN or ADMIN_TOKENS (comma-separated); each ${ADMIN_SECRET.replace('must be ', '')}`,
    // also when other settings are wrong: every problem is named at once
    when: () => true,
  },
];

/** Every admin token the config accepts. */
export function adminTokensOf(config: { ADMIN_TOKEN?: string | undefined; ADMIN_TOKENS: string[] }): string[] {
  return [...new Set([...(config.ADMIN_TOKEN ? [config.ADMIN_TOKEN] : []), ...config.ADMIN_TOKENS])];
}

export type EnvConfigResult<T> = { kind: 'valid'; config: T } | { kind: 'invalid'; problems: string[] };

/** The environment read once at start-up: the config, or every problem named (never a value). */
export function parseEnvConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): EnvConfigResult<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { kind: 'valid', config: parsed.data };
  return { kind: 'invalid', problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`) };
}
