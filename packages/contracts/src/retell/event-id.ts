import { createHash } from 'node:crypto';
import type { RetellWebhookEnvelope } from './webhook-events';
import { isKnownRetellEventType } from './webhook-events';

/**
 * The deterministic CloudEvents id of a Retell webhook, so a redelivery is recognisably the same
 * event (Retell sends each event up to 4 times and has no event id of its own, NOTES §4):
 * - lifecycle events: `<call_id>:<event>`;
 * - `transcript_updated` fires many times per call: `<call_id>:transcript_updated:<items so far>`;
 * - transfers can happen more than once per call: `<call_id>:<event>:<destination>:<items so far>`;
 * - event types we do not know yet: `<call_id>:<event>:<sha256 of the body, 16 hex>`, so only a
 *   byte-identical redelivery is taken for a duplicate.
 */
export function retellEventId(body: RetellWebhookEnvelope, rawBody: Uint8Array): string {
  const { event } = body;
  const callId = body.call.call_id;
  const progress = () => {
    const items = body.call['transcript_with_tool_calls'] ?? body.call['transcript_object'];
    return Array.isArray(items) ? items.length : 0;
  };
  if (!isKnownRetellEventType(event)) {
    return `${callId}:${event}:${createHash('sha256').update(rawBody).digest('hex').slice(0, 16)}`;
  }
  switch (event) {
    case 'call_started':
    case 'call_ended':
    case 'call_analyzed':
      return `${callId}:${event}`;
    case 'transcript_updated':
      return `${callId}:${event}:${progress()}`;
    case 'transfer_started':
    case 'transfer_bridged':
    case 'transfer_cancelled':
    case 'transfer_ended':
      return `${callId}:${event}:${transferDestination(body)}:${progress()}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

function transferDestination(body: RetellWebhookEnvelope): string {
  const destination = body['transfer_destination'] ?? body.call['transfer_destination'];
  if (typeof destination === 'string') return destination;
  if (destination && typeof destination === 'object' && 'number' in destination) return String(destination.number);
  return 'none';
}

/** CloudEvents `type` of a Retell webhook stored on the Retell events topic. */
export function retellEventType(event: string): string {
  return `ai.retell.webhook.${event}`;
}
