import { z } from 'zod';
import { RetellCallSchema } from './call';

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

const callEvent = <E extends KnownRetellEventType>(event: E) =>
  z.looseObject({ event: z.literal(event), call: RetellCallSchema });

export const CallStartedSchema = callEvent('call_started');
export const CallEndedSchema = callEvent('call_ended');
export const CallAnalyzedSchema = callEvent('call_analyzed');
export const TranscriptUpdatedSchema = callEvent('transcript_updated');

/** The docs give an object; older samples a bare number. `transfer_option` is opaque JSON. */
const TransferDestinationSchema = z.union([
  z.looseObject({ number: z.string(), extension: z.string().nullish() }),
  z.string(),
]);
const transferEvent = <E extends KnownRetellEventType>(event: E) =>
  z.looseObject({
    event: z.literal(event),
    call: RetellCallSchema,
    transfer_destination: TransferDestinationSchema.nullish(),
    transfer_option: z.unknown().optional(),
  });

export const TransferStartedSchema = transferEvent('transfer_started');
export const TransferBridgedSchema = transferEvent('transfer_bridged');
export const TransferCancelledSchema = transferEvent('transfer_cancelled');
export const TransferEndedSchema = transferEvent('transfer_ended');

/** The schema of each known event type, for consumers that pick one by `event`. */
export const RETELL_WEBHOOK_EVENT_SCHEMAS = {
  call_started: CallStartedSchema,
  call_ended: CallEndedSchema,
  call_analyzed: CallAnalyzedSchema,
  transcript_updated: TranscriptUpdatedSchema,
  transfer_started: TransferStartedSchema,
  transfer_bridged: TransferBridgedSchema,
  transfer_cancelled: TransferCancelledSchema,
  transfer_ended: TransferEndedSchema,
} as const satisfies Record<KnownRetellEventType, z.ZodType>;

/** Every event type the contracts know, discriminated by `event`. */
export const KnownRetellWebhookEventSchema = z.discriminatedUnion('event', [
  CallStartedSchema,
  CallEndedSchema,
  CallAnalyzedSchema,
  TranscriptUpdatedSchema,
  TransferStartedSchema,
  TransferBridgedSchema,
  TransferCancelledSchema,
  TransferEndedSchema,
]);
export type KnownRetellWebhookEvent = z.infer<typeof KnownRetellWebhookEventSchema>;

/**
 * The envelope every Retell call event has. An event type the contracts do not know yet is
 * accepted with just this much (Retell adds event types) and stored as it came.
 */
export const RetellWebhookEnvelopeSchema = z.looseObject({
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
 * Value schema of the Retell events topic: the webhook body exactly as Retell sent it (bytes
 * unchanged). Known event types are checked strictly at ingress; the envelope branch admits the
 * ones the contracts do not know yet.
 */
export const RetellWebhookEventValueSchema = z
  .union([KnownRetellWebhookEventSchema, RetellWebhookEnvelopeSchema])
  .describe('A Retell call-event webhook body as received by ingress (retell.webhook-events.v1)');
export type RetellWebhookEventValue = z.infer<typeof RetellWebhookEventValueSchema>;
