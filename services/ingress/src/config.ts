import { z } from 'zod';
import type { EnvConfigResult } from '@rb/observability';
import { TOPIC_MAX_MESSAGE_BYTES } from '@rb/contracts';
import { commonEnvFields, parseEnvConfig, positiveInt } from '@rb/observability';
import { TOOL_TIMEOUT_HEADROOM_MS, TOOL_TIMEOUT_MS } from './functions/tool-timeout';

const int = positiveInt;

/** registry header, CloudEvents headers and the record batch's framing */
const BODY_HEADROOM_BYTES = 64 * 1024;

/** Everything ingress reads from the environment, validated once at start-up. */
export const ConfigSchema = z.object({
  ...commonEnvFields,
  /** the public listener: Retell's webhook route only */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** the internal listener: /livez, /readyz, /metrics (never expose it to the internet) */
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** a client must send its request headers within this long (slow-header attacks) */
  HTTP_HEADERS_TIMEOUT_MS: int(10_000),
  /** ... and the whole request, body included, within this long */
  HTTP_REQUEST_TIMEOUT_MS: int(30_000),
  /** idle keep-alive connections are closed after this long; above a load balancer's idle timeout */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(65_000),
  /** connections beyond this are refused (each pending webhook holds one) */
  MAX_CONNECTIONS: int(2_000),
  /** The Retell API key with the "webhook" badge: it is the HMAC key of X-Retell-Signature. */
  RETELL_API_KEY: z.string().min(8, 'must be the Retell API key with the webhook badge'),
  SIGNATURE_TOLERANCE_MS: int(300_000),
  KAFKA_CLIENT_ID: z.string().default('ingress'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /**
   * Largest webhook body accepted; a long call's call_ended with word timings runs to megabytes.
   * Everything accepted must be storable, so it stays below the topics' max.message.bytes with
   * room for the registry header and CloudEvents headers.
   */
  MAX_BODY_BYTES: int(2 * 1024 * 1024).refine((n) => n + BODY_HEADROOM_BYTES <= TOPIC_MAX_MESSAGE_BYTES, {
    message: `must leave ${BODY_HEADROOM_BYTES} bytes below the topics' max.message.bytes (${TOPIC_MAX_MESSAGE_BYTES}), or accepted webhooks could not be stored`,
  }),
  /** produce requests this large are gzip-compressed (smaller ones are not worth the CPU) */
  PRODUCE_COMPRESS_FROM_BYTES: int(512 * 1024),
  /** how often readiness asks the broker for the topic's metadata (and at once after a failed produce) */
  BROKER_PROBE_EVERY_MS: int(2_000),
  /** How long a webhook may wait for the broker's acknowledgement before answering 503. */
  PRODUCE_TIMEOUT_MS: int(5_000),
  /** Pending webhooks beyond this answer 503 at once instead of queueing (back-pressure). */
  MAX_PENDING_PRODUCES: int(20_000),
  /** How long a stored event's id is remembered to drop Retell's redeliveries. */
  DEDUP_TTL_SECONDS: int(86_400),
  /** Webhooks per business phone number and minute; generous: Retell retries what we refuse. */
  RATE_LIMIT_PER_MINUTE: int(6_000),
  /** booking's listener, asked by check_availability while the caller waits (POST /internal/availability) */
  BOOKING_QUERY_URL: z.url().default('http://127.0.0.1:3002'),
  /** a bearer token of booking's QUERY_TOKENS; unset: check_availability answers ok:false, not_configured */
  BOOKING_QUERY_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(24).optional()),
  /** how long check_availability waits for booking before the agent is told to offer a callback */
  AVAILABILITY_DEADLINE_MS: int(2_500),
  /**
   * how long book/reschedule/cancel wait for booking's answer (the command's send included) before
   * the caller hears that it is being done; well under the tools' timeout_ms (8 s)
   */
  COMMAND_DEADLINE_MS: int(5_000).refine((ms) => ms <= TOOL_TIMEOUT_MS - TOOL_TIMEOUT_HEADROOM_MS, {
    message: `must leave ${TOOL_TIMEOUT_HEADROOM_MS} ms below the tools' timeout_ms (${TOOL_TIMEOUT_MS}), or Retell gives up before the caller hears our answer`,
  }),
  /** commands waiting for booking's answer at once, at most (beyond: ok:false, try again) */
  MAX_WAITING_COMMANDS: int(5_000),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  /** call-processor's listener, asked on call_inbound whether the caller is a known customer */
  CALL_PROCESSOR_QUERY_URL: z.url().default('http://127.0.0.1:3001'),
  /** a bearer token of call-processor's QUERY_TOKENS; unset: callers are never greeted by name */
  CALL_PROCESSOR_QUERY_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(24).optional()),
  /** the longest a ringing call_inbound waits for the caller's name before answering without it */
  CUSTOMER_LOOKUP_BUDGET_MS: int(40),
});

export type Config = z.infer<typeof ConfigSchema>;

const ConfigWithRules = ConfigSchema.refine((c) => c.HTTP_HEADERS_TIMEOUT_MS <= c.HTTP_REQUEST_TIMEOUT_MS, {
  message: 'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS',
  path: ['HTTP_HEADERS_TIMEOUT_MS'],
});

export type ConfigResult = EnvConfigResult<Config>;

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  return parseEnvConfig(ConfigWithRules, env);
}
