import pino from 'pino';
import type { Logger } from 'pino';

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
}

export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
