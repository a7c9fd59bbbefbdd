import type { Message } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';

/**
 * What a producer puts in one produce request at most (well under every topic's max.message.bytes,
 * `TOPIC_MAX_MESSAGE_BYTES` in the contracts); a single larger record goes alone.
 */
export const PRODUCE_REQUEST_MAX_BYTES = 1024 * 1024;

/** Per-record framing in a record batch (varints, attributes, header keys) besides key, value and header values. */
const RECORD_OVERHEAD_BYTES = 64;

/** What a message adds to a produce request, before compression. */
export function messageBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + (Array.isArray(value) ? value : [value]).reduce((n, v) => n + byteLength(v), 0);
  }
  return bytes;
}

function byteLength(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Buffer.isBuffer(value)) return value.length;
  return Buffer.byteLength(String(value));
}

/**
 * Splits items, in order, into produce requests of at most `maxBytes` each; an item larger than
 * that on its own is a request of its own (the broker decides whether it fits, after compression).
 */
export function packRequests<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes: number): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (current.length > 0 && currentBytes + bytes > maxBytes) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** Requests this large are gzip-compressed (long-call transcripts shrink several times); smaller ones go as they are. */
export const COMPRESS_FROM_BYTES = 64 * 1024;

export function compressionFor(requestBytes: number, from = COMPRESS_FROM_BYTES): CompressionTypes {
  return requestBytes >= from ? CompressionTypes.GZIP : CompressionTypes.None;
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * The broker's own "this can never be stored" answer (the record batch is over the topic's
 * `max.message.bytes`), found anywhere in kafkajs's chain of wrapped errors. Retrying it is futile.
 */
export function isTooLargeError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (TOO_LARGE.has(String((e as { type?: unknown }).type))) return true;
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}
