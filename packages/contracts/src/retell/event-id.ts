import { createHash } from 'node:crypto';
import type { RetellWebhookEnvelope } from './webhook-events';
import { isKnownRetellEventType } from './webhook-events';

/**
 * The deterministic CloudEvents id of a Retell webhook, so a redelivery is recognisably the same
 * event (Retell sends each event up to 4 times and has no event id of its own, NOTES §4):
 * - lifecycle events: `<call_id>:<event>`;
 * - `transcript_updated` fires many times per call: `<call_id>:transcript_updated:<items>:<content>`,
 *   where `<content>` is 16 hex of a sha256 over the transcript's items (utterances, tool calls,
 *   …) without their word timings: an update that rewrites the last utterance without adding one
 *   gets a new id, a redelivery of the same content (even re-serialised) the same one;
 * - transfers can happen more than once per call: `<call_id>:<event>:<items>:<content>`, the same
 *   digest plus `transfer_end_timestamp` when the call has one. The transfer number is left out
 *   on purpose: ids travel in headers, Redis keys and logs, and a hash of a phone number is
 *   reversed by trying every number;
 * - event types we do not know yet: `<call_id>:<event>:<sha256 of the body, 16 hex>`, so only a
 *   byte-identical redelivery is taken for a duplicate.
 */
export function retellEventId(body: RetellWebhookEnvelope, rawBody: Uint8Array): string {
  const { event } = body;
  const callId = body.call.call_id;
  if (!isKnownRetellEventType(event)) {
    return `${callId}:${event}:${createHash('sha256').update(rawBody).digest('hex').slice(0, 16)}`;
  }
  switch (event) {
    case 'call_started':
    case 'call_ended':
    case 'call_analyzed':
      return `${callId}:${event}`;
    case 'transcript_updated':
      return `${callId}:${event}:${transcriptDigest(body.call)}`;
    case 'transfer_started':
    case 'transfer_bridged':
    case 'transfer_cancelled':
    case 'transfer_ended':
      return `${callId}:${event}:${transcriptDigest(body.call, body.call['transfer_end_timestamp'])}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** Word timings are approximate and carry nothing the words themselves do not. */
const VOLATILE_ITEM_FIELDS: ReadonlySet<string> = new Set(['words']);

/**
 * `<items so far>:<16 hex>` of the transcript a call event carries: the items of
 * `transcript_with_tool_calls` (else `transcript_object`, else the plain `transcript`), each in a
 * canonical form (keys sorted, word timings left out), so key order and timing jitter of a
 * redelivery do not matter. `extra` joins the digest when present.
 */
function transcriptDigest(call: RetellWebhookEnvelope['call'], extra?: unknown): string {
  const hash = createHash('sha256');
  const items = call['transcript_with_tool_calls'] ?? call['transcript_object'];
  let count = 0;
  if (Array.isArray(items)) {
    count = items.length;
    for (const item of items) hash.update(canonicalJson(item, VOLATILE_ITEM_FIELDS)).update('\n');
  } else if (typeof call['transcript'] === 'string') {
    hash.update(call['transcript']);
  }
  if (extra !== undefined && extra !== null) hash.update(`\n#${canonicalJson(extra)}`);
  return `${count}:${hash.digest('hex').slice(0, 16)}`;
}

/** JSON with object keys sorted (and the `omit` keys of the outermost object left out). */
function canonicalJson(value: unknown, omit?: ReadonlySet<string>): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => !omit?.has(key) && (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** CloudEvents `type` of a Retell webhook stored on the Retell events topic. */
export function retellEventType(event: string): string {
  return `ai.retell.webhook.${event}`;
}
