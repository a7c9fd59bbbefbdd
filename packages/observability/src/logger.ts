import pino from 'pino';
import type { Logger } from 'pino';
import { activeTraceIds } from './spans';

/**
 * Paths that may carry personal data (phone numbers, names, transcripts, credentials). Code logs
 * ids, not payloads; this list is the safety net for when someone logs an object by mistake.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers["x-retell-signature"]',
  '*.headers["x-retell-signature"]',
  'from_number',
  'to_number',
  '*.from_number',
  '*.to_number',
  '*.*.from_number',
  '*.*.to_number',
  'transcript',
  '*.transcript',
  '*.*.transcript',
  '*.transcript_object',
  '*.transcript_with_tool_calls',
  'phone',
  '*.phone',
  'email',
  '*.email',
  'name',
  '*.name',
  '*.apiKey',
  '*.api_key',
  'body',
  '*.body',
];

export interface LoggerOptions {
  service: string;
  level?: string;
  /** where to write; defaults to stdout (NDJSON) */
  destination?: pino.DestinationStream;
  /**
   * fields of whatever the process is doing when a line is written, e.g. the consumed message's
   * `ce_id`, `correlation_id` and `causation_id` (the kafka runner's `messageLogFields`)
   */
  fields?: () => Record<string, string> | undefined;
}

/**
 * One logger per process, NDJSON. Every line written while a span is active carries its
 * `trace_id` and `span_id`, and every line the `fields` of the moment.
 */
export function createLogger({ service, level = 'info', destination, fields }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      mixin: () => contextFields(fields),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** a fresh object each line: pino merges the line's own fields into it */
function contextFields(fields: LoggerOptions['fields']): object {
  return { ...fields?.(), ...activeTraceIds() };
}

export type { Logger };
