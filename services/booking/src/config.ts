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
import { MAX_RESPONSE_BYTES } from './calcom/calcom-client';
import { parseHostRule } from './calcom/calcom-egress';
import { CredentialCipher } from './credentials/credential-cipher';

const int = positiveInt;
const hostList = z
  .string()
  .default('')
  .transform((list) =>
    list
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().refine((h) => parseHostRule(h) !== undefined, 'expected host or host:port')));

/** Everything booking reads from the environment, validated once at start-up. */
const FieldsSchema = z.object({
  ...commonEnvFields,
  ...consumerLagEnvFields,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/booking'),
  /** PostgreSQL cancels a statement running longer than this (statement_timeout) */
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000),
  /** PostgreSQL ends a session idle this long inside a transaction, rolling it back (idle_in_transaction_session_timeout) */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  /** inbox rows (processed event ids) are kept this long: longer than any redelivery, above the topics' retention */
  INBOX_RETENTION_DAYS: int(14),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** the booking-intents consumer; the directory read model uses `<group>-directory`, the live commands `<group>-commands` */
  KAFKA_GROUP_ID: z.string().min(1).default('booking'),
  /**
   * Bearer tokens of the admin API (Cal.com accounts, cancel, reschedule): ADMIN_TOKEN and/or ADMIN_TOKENS
   * (comma-separated, all accepted: rotation without downtime); each at least 24 characters.
   */
  ...adminTokenFields,
  /**
   * Bearer tokens of the internal query API (POST /internal/availability, asked by ingress during
   * live calls): comma-separated, all accepted (rotation), each at least 24 characters; unset: the
   * /internal routes do not exist (404)
   */
  ...queryTokenFields,
  /** `id:base64key,…` (32-byte AES keys); new credentials are sealed with the first (or CREDENTIAL_KEY_CURRENT) */
  CREDENTIAL_KEYS: z
    .string()
    .min(1)
    .refine((keys) => {
      try {
        CredentialCipher.fromConfig(keys);
        return true;
      } catch {
        return false;
      }
    }, 'expected id:base64key,… with 32-byte keys (the keys themselves are not shown)'),
  CREDENTIAL_KEY_CURRENT: z.string().min(1).optional(),
  /**
   * base64 of at least 32 random bytes: the HMAC key of the caller index (booking_requests.caller_digest,
   * a digest of company and caller number that find_appointments and the ownership check of a
   * reschedule or cancel look up). Unset: the digest is an unkeyed hash, which anyone holding the
   * table can match against every possible number (a warning is logged at start). Changing it
   * makes earlier bookings unfindable by their callers' numbers.
   */
  CALLER_INDEX_KEY: z
    .preprocess((v) => (v === '' ? undefined : v), z.string().optional())
    .refine(
      (key) => key === undefined || callerIndexKeyOf(key) !== undefined,
      'expected base64 of at least 32 bytes (the key itself is not shown)',
    ),
  /**
   * self-hosted Cal.com instances allowed besides https://api.cal.com and https://api.cal.eu:
   * `host` or `host:port`, comma-separated; they must resolve to public addresses only
   */
  CALCOM_ALLOWED_HOSTS: hostList,
  /**
   * hosts (`host` or `host:port`) that may resolve to private, loopback or link-local addresses: an
   * in-cluster Cal.com, or the local stand-in (`127.0.0.1:<port>`); plain http only to loopback
   */
  CALCOM_ALLOW_PRIVATE_HOSTS: hostList,
  /** the largest Cal.com answer read; a larger one fails the call */
  CALCOM_MAX_RESPONSE_BYTES: int(MAX_RESPONSE_BYTES),
  /** each Cal.com call's time limit */
  CALCOM_TIMEOUT_MS: int(8_000),
  /** attempts of a Cal.com read (creates are never retried blindly) */
  CALCOM_READ_ATTEMPTS: int(3),
  /** consecutive Cal.com failures (5xx, network, timeouts) that open an account's breaker */
  CALCOM_BREAK_AFTER: int(5),
  /** how long an open breaker waits before one call tests Cal.com again */
  CALCOM_HALF_OPEN_AFTER_MS: int(30_000),
  /** calls to one Cal.com account at once */
  CALCOM_CONCURRENCY: int(8),
  /** per credential across all replicas; Cal.com allows 120 a minute per API key */
  CALCOM_REQUESTS_PER_MINUTE: int(110),
  CALCOM_BUDGET_BURST: int(20),
  /** the longest a call waits for its turn in the budget before the partition pauses instead */
  CALCOM_BUDGET_MAX_WAIT_MS: int(2_000),
  /** how long a day's free slots are trusted */
  AVAILABILITY_TTL_SECONDS: int(60),
  /** a cache miss fetches this many days ahead in its one Cal.com call, for the next callers' windows */
  AVAILABILITY_FETCH_AHEAD_DAYS: int(21),
  /**
   * a live caller's availability question is answered within this (`unavailable` `timeout` when
   * Cal.com is slower), below ingress's AVAILABILITY_DEADLINE_MS (2500), so the answer still
   * reaches the agent; the question's Cal.com read is given up then, freeing the account's bulkhead
   */
  AVAILABILITY_DEADLINE_MS: int(2_000),
  SEARCH_WINDOW_DAYS: int(7),
  ALTERNATIVES_COUNT: int(3),
  /**
   * an intent this old (since it was produced) whose Cal.com is still unreachable fails with
   * `calcom_unavailable` instead of holding its partition longer: the caller is called back
   */
  CALCOM_GIVE_UP_AFTER_MS: int(2 * 3600_000),
  /** an intent's lease while one replica talks to Cal.com about it (renewed before the create) */
  INTENT_LEASE_SECONDS: z.coerce.number().int().min(5).default(60),
  /**
   * how often parked intents (their Cal.com was unavailable) are looked for; they are also taken
   * when their breaker would half-open, at once when it closes, and after a restart
   */
  PARKED_REDRIVE_INTERVAL_MS: int(5_000),
  MAX_ATTEMPTS: int(5),
  /** partitions of the intents topic handled at once (each partition's intents in order) */
  CONSUMER_CONCURRENCY: int(12),
  /** a replica that died silently gives up its partitions after this long */
  CONSUMER_SESSION_TIMEOUT_MS: int(30_000),
  SHUTDOWN_TIMEOUT_MS: int(15_000),
});

/** CALLER_INDEX_KEY's bytes; undefined when it is not base64 of at least 32 bytes. */
function callerIndexKeyOf(base64: string): Buffer | undefined {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length >= 32 ? key : undefined;
}

/** The caller index's HMAC key from config (undefined: unset, the digest is an unkeyed hash). */
export function callerIndexKey(config: Pick<Config, 'CALLER_INDEX_KEY'>): Buffer | undefined {
  return config.CALLER_INDEX_KEY === undefined ? undefined : callerIndexKeyOf(config.CALLER_INDEX_KEY);
}

/** a lease shorter than a create's time limit could run out while the create is in flight */
export const ConfigSchema = FieldsSchema.refine((c) => c.INTENT_LEASE_SECONDS * 1000 >= 2 * c.CALCOM_TIMEOUT_MS, {
  path: ['INTENT_LEASE_SECONDS'],
  message: 'must be at least twice CALCOM_TIMEOUT_MS',
})
  .refine(...adminTokenRequired)
  .refine(...queryTokensApartFromAdmin);

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigResult = EnvConfigResult<Config>;

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  return parseEnvConfig(ConfigSchema, env);
}

/** What `pnpm calcom:rotate-keys` reads: the database and the keyring, checked as the service checks them. */
export const RotateKeysConfigSchema = z.object({
  DATABASE_URL: FieldsSchema.shape.DATABASE_URL,
  CREDENTIAL_KEYS: FieldsSchema.shape.CREDENTIAL_KEYS,
  /** the key to re-seal with (default: the first in CREDENTIAL_KEYS); empty counts as unset */
  CREDENTIAL_KEY_CURRENT: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
});

export type RotateKeysConfig = z.infer<typeof RotateKeysConfigSchema>;

export function parseRotateKeysConfig(env: Record<string, string | undefined>): EnvConfigResult<RotateKeysConfig> {
  return parseEnvConfig(RotateKeysConfigSchema, env);
}
