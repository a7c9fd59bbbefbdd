import { z } from 'zod';
import { RetellCallSchema, RetellIdSchema, StoredRetellCallSchema, TransferTargetSchema } from './call';

/**
 * Call-event webhooks Retell POSTs to `/webhooks/retell`: `{ event, call, ... }`.
 * Default set: call_started, call_ended, call_analyzed; opt-in: transcript_updated, transfer_*.
 */
export const KNOWN_RETELL_EVENT_TYPES = [
  'call_started',
  'call_ended',
  'call_analyzed',
  'transcript_updated',
  'transfer_started',
  'transfer_bridged',
  'transfer_cancelled',
  'transfer_ended',
] as const;
export type KnownRetellEventType = (typeof KNOWN_RETELL_EVENT_TYPES)[number];

export function isKnownRetellEventType(event: string): event is KnownRetellEventType {
  return (KNOWN_RETELL_EVENT_TYPES as readonly string[]).includes(event);
}

/** The event schemas over one call schema: the bounded one for what enters, the stored one for the topic. */
function callEventSchemas<Call extends typeof StoredRetellCallSchema | typeof RetellCallSchema>(
  call: Call,
  bounded: boolean,
) {
  // a fresh z.string() per use: a shared instance would become a `$ref` in the registered schema
  const transferTarget = () => (bounded ? TransferTargetSchema : z.string());
  const extension = bounded ? z.string().max(32) : z.string();
  const callEvent = <E extends KnownRetellEventType>(event: E) => z.looseObject({ event: z.literal(event), call });
  /** The docs give an object; older samples a bare number. `transfer_option` is opaque JSON. */
  const TransferDestinationSchema = z.union([
    z.looseObject({ number: transferTarget(), extension: extension.nullish() }),
    transferTarget(),
  ]);
  const transferEvent = <E extends KnownRetellEventType>(event: E) =>
    z.looseObject({
      event: z.literal(event),
      call,
      transfer_destination: TransferDestinationSchema.nullish(),
      transfer_option: z.unknown().optional(),
    });
  const byType = {
    call_started: callEvent('call_started'),
    call_ended: callEvent('call_ended'),
    call_analyzed: callEvent('call_analyzed'),
    transcript_updated: callEvent('transcript_updated'),
    transfer_started: transferEvent('transfer_started'),
    transfer_bridged: transferEvent('transfer_bridged'),
    transfer_cancelled: transferEvent('transfer_cancelled'),
    transfer_ended: transferEvent('transfer_ended'),
  } as const;
  const known = z.discriminatedUnion('event', [
    byType.call_started,
    byType.call_ended,
    byType.call_analyzed,
    byType.transcript_updated,
    byType.transfer_started,
    byType.transfer_bridged,
    byType.transfer_cancelled,
    byType.transfer_ended,
  ]);
  return { byType, known };
}

const accepted = callEventSchemas(RetellCallSchema, true);
const stored = callEventSchemas(StoredRetellCallSchema, false);

export const CallStartedSchema = accepted.byType.call_started;
export const CallEndedSchema = accepted.byType.call_ended;
export const CallAnalyzedSchema = accepted.byType.call_analyzed;
export const TranscriptUpdatedSchema = accepted.byType.transcript_updated;
export const TransferStartedSchema = accepted.byType.transfer_started;
export const TransferBridgedSchema = accepted.byType.transfer_bridged;
export const TransferCancelledSchema = accepted.byType.transfer_cancelled;
export const TransferEndedSchema = accepted.byType.transfer_ended;

/** The schema of each known event type, for consumers that pick one by `event`. */
export const RETELL_WEBHOOK_EVENT_SCHEMAS = accepted.byType satisfies Record<KnownRetellEventType, z.ZodType>;

/** Every event type the contracts know, discriminated by `event`, with the bounds of what enters. */
export const KnownRetellWebhookEventSchema = accepted.known;

/**
 * The same, as the topic has stored them since v1 (without the bounds): what consumers decode
 * with, so an event stored before the bounds is still processed rather than dead-lettered.
 */
export const StoredKnownRetellWebhookEventSchema = stored.known;
export type KnownRetellWebhookEvent = z.infer<typeof KnownRetellWebhookEventSchema>;

/**
 * The envelope every Retell call event has. An event type the contracts do not know yet is
 * accepted with just this much (Retell adds event types) and stored as it came.
 */
export const RetellWebhookEnvelopeSchema = z.looseObject({
  event: z.string().min(1).max(64),
  call: z.looseObject({ call_id: RetellIdSchema.min(1) }),
});
const StoredRetellWebhookEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  call: z.looseObject({ call_id: z.string().min(1) }),
});
export type RetellWebhookEnvelope = z.infer<typeof RetellWebhookEnvelopeSchema>;

export type CallStarted = z.infer<typeof CallStartedSchema>;
export type CallEnded = z.infer<typeof CallEndedSchema>;
export type CallAnalyzed = z.infer<typeof CallAnalyzedSchema>;
export type TranscriptUpdated = z.infer<typeof TranscriptUpdatedSchema>;
export type TransferEvent = z.infer<typeof TransferStartedSchema>;

/**
 * The phone number's inbound webhook (`call_inbound`), recorded on the same topic after ingress
 * answered it, as Retell sent it: it has no `call` object (the call does not exist yet), so it is
 * a branch of its own. Keyed by `call_inbound.call_id` where Retell sends one. Consumers of call
 * events skip it; it is the record of who rang which number and when.
 */
export const StoredCallInboundSchema = z.looseObject({
  event: z.literal('call_inbound'),
  call_inbound: z.looseObject({
    from_number: z.string(),
    to_number: z.string(),
    call_id: z.string().nullish(),
  }),
});

/**
 * Value schema of the Retell events topic: the webhook body exactly as Retell sent it (bytes
 * unchanged). Known event types are checked strictly at ingress; the envelope branch admits the
 * ones the contracts do not know yet. Registered as it was first published (without the bounds
 * ingress checks since), so the registry keeps accepting it under BACKWARD.
 */
export const RetellWebhookEventValueSchema = z
  .union([stored.known, StoredRetellWebhookEnvelopeSchema, StoredCallInboundSchema])
  .describe('A Retell call-event webhook body as received by ingress (retell.webhook-events.v1)');
export type RetellWebhookEventValue = z.infer<typeof RetellWebhookEventValueSchema>;
