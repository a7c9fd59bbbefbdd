import { z } from 'zod';

/**
 * The Retell call object (`PhoneCallResponse` / `WebCallResponse` in retell-sdk 5.66.1), as it
 * arrives in webhooks and custom-function requests. Field table: shared/retell/NOTES.md §1.4.
 *
 * Rules: unknown fields pass through (Retell adds fields); present fields must have the right
 * type. Enum-like fields (status, reason, storage setting) are plain strings because Retell adds
 * values and a 4xx would only make it retry. Optional fields may also be `null`.
 */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
const stringMap = z.record(z.string(), z.string());
const epochMs = z.number().int().nonnegative();

export const UtteranceSchema = z.looseObject({
  role: z.string(),
  content: z.string(),
  words: opt(z.array(z.looseObject({ word: opt(z.string()), start: opt(z.number()), end: opt(z.number()) }))),
});

/** Items of `transcript_with_tool_calls`, discriminated by `role`; new roles keep appearing, so any role passes. */
export const TranscriptItemSchema = z.looseObject({ role: z.string() });

const LatencyStatSchema = z.looseObject({
  p50: opt(z.number()),
  p90: opt(z.number()),
  p95: opt(z.number()),
  p99: opt(z.number()),
  max: opt(z.number()),
  min: opt(z.number()),
  num: opt(z.number()),
  values: opt(z.array(z.number())),
});

/** Amounts are in cents; unit prices in cents per second (SDK doc comments). */
export const CallCostSchema = z.looseObject({
  product_costs: opt(
    z.array(
      z.looseObject({
        product: z.string(),
        cost: z.number(),
        unit_price: opt(z.number()),
        is_transfer_leg_cost: opt(z.boolean()),
      }),
    ),
  ),
  total_duration_seconds: opt(z.number()),
  total_duration_unit_price: opt(z.number()),
  combined_cost: opt(z.number()),
});

/** Post-call analysis; every field optional, custom fields absent on unconnected or silent calls. */
export const CallAnalysisSchema = z.looseObject({
  call_summary: opt(z.string()),
  in_voicemail: opt(z.boolean()),
  user_sentiment: opt(z.string()),
  call_successful: opt(z.boolean()),
  custom_analysis_data: opt(z.record(z.string(), z.unknown())),
});

/**
 * The call object as the Retell events topic has stored it since v1 (its registered JSON Schema).
 * It stays unbounded: tightening a registered schema is not BACKWARD compatible (the registry
 * refuses "String type max length added"), and events stored before the bounds must stay
 * readable. What enters the system is checked against the bounded `RetellCallSchema` below.
 */
export const StoredRetellCallSchema = z.looseObject({
  call_id: z.string().min(1),
  call_type: z.string().min(1).describe('phone_call | web_call'),
  agent_id: z.string().min(1),
  call_status: z.string().min(1).describe('registered | not_connected | ongoing | ended | error'),
  agent_version: opt(z.number().int().nonnegative()),
  agent_name: opt(z.string()),
  agent_tag: opt(z.string()),
  direction: opt(z.string().describe('inbound | outbound (phone calls only)')),
  from_number: opt(z.string()),
  to_number: opt(z.string()),
  access_token: opt(z.string()),
  metadata: z.unknown().optional(),
  retell_llm_dynamic_variables: opt(stringMap),
  collected_dynamic_variables: opt(z.record(z.string(), z.unknown())),
  custom_sip_headers: opt(stringMap),
  data_storage_setting: opt(z.string()),
  opt_in_signed_url: opt(z.boolean()),
  start_timestamp: opt(epochMs),
  end_timestamp: opt(epochMs),
  duration_ms: opt(z.number().nonnegative()),
  disconnection_reason: opt(z.string()),
  transcript: opt(z.string()),
  transcript_object: opt(z.array(UtteranceSchema)),
  transcript_with_tool_calls: opt(z.array(TranscriptItemSchema)),
  scrubbed_transcript_with_tool_calls: opt(z.array(TranscriptItemSchema)),
  recording_url: opt(z.string()),
  recording_multi_channel_url: opt(z.string()),
  scrubbed_recording_url: opt(z.string()),
  scrubbed_recording_multi_channel_url: opt(z.string()),
  public_log_url: opt(z.string()),
  knowledge_base_retrieved_contents_url: opt(z.string()),
  telephony_identifier: opt(z.looseObject({ twilio_call_sid: opt(z.string()) })),
  latency: opt(z.record(z.string(), LatencyStatSchema)),
  llm_token_usage: opt(
    z.looseObject({ values: opt(z.array(z.number())), average: opt(z.number()), num_requests: opt(z.number()) }),
  ),
  call_cost: opt(CallCostSchema),
  transfer_destination: opt(z.string()),
  transfer_end_timestamp: opt(epochMs),
  call_analysis: opt(CallAnalysisSchema),
});

/*
 * Bounds for what enters the system. An id or number travels into Kafka keys, headers, Redis keys
 * and database rows, so it must have the shape Retell gives it (NOTES §1.4): a 68,000-character
 * call id once stalled every tenant's events. Free text is bounded well above what a long call
 * needs; the body as a whole is bounded by ingress's MAX_BODY_BYTES.
 */
export const RETELL_ID_MAX_LENGTH = 64;
/** `call_` + 27 hex characters today, 32 random characters in older ids; `agent_…` for agents */
export const RetellIdSchema = z
  .string()
  .max(RETELL_ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a Retell id: letters, digits, _ or -');
/** E.164: a plus, a non-zero country digit, at most 15 digits in all */
export const E164Schema = z.string().regex(/^\+[1-9][0-9]{1,14}$/, 'expected an E.164 phone number');
/** where Retell transfers a call: a phone number or a SIP URI */
export const TransferTargetSchema = z.union([
  E164Schema,
  z
    .string()
    .max(256)
    .regex(/^sips?:[^\s]+$/, 'expected an E.164 phone number or a sip: URI'),
]);
const SHORT = 256;
const URL_MAX = 4_096;
const LONG_TEXT = 50_000;
const TRANSCRIPT_MAX = 1_500_000;
const short = z.string().max(SHORT);
const boundedMap = z.record(z.string().max(SHORT), z.string().max(LONG_TEXT));

export const RetellCallSchema = StoredRetellCallSchema.extend({
  call_id: RetellIdSchema.min(1),
  call_type: short.min(1).describe('phone_call | web_call'),
  agent_id: RetellIdSchema.min(1),
  call_status: short.min(1).describe('registered | not_connected | ongoing | ended | error'),
  agent_name: opt(short),
  agent_tag: opt(short),
  direction: opt(short.describe('inbound | outbound (phone calls only)')),
  from_number: opt(E164Schema),
  to_number: opt(E164Schema),
  access_token: opt(z.string().max(URL_MAX)),
  retell_llm_dynamic_variables: opt(boundedMap),
  custom_sip_headers: opt(boundedMap),
  data_storage_setting: opt(short),
  disconnection_reason: opt(short),
  transcript: opt(z.string().max(TRANSCRIPT_MAX)),
  transcript_object: opt(
    z.array(
      UtteranceSchema.extend({
        role: short,
        content: z.string().max(LONG_TEXT),
        words: opt(
          z.array(z.looseObject({ word: opt(z.string().max(SHORT)), start: opt(z.number()), end: opt(z.number()) })),
        ),
      }),
    ),
  ),
  recording_url: opt(z.string().max(URL_MAX)),
  recording_multi_channel_url: opt(z.string().max(URL_MAX)),
  scrubbed_recording_url: opt(z.string().max(URL_MAX)),
  scrubbed_recording_multi_channel_url: opt(z.string().max(URL_MAX)),
  public_log_url: opt(z.string().max(URL_MAX)),
  knowledge_base_retrieved_contents_url: opt(z.string().max(URL_MAX)),
  telephony_identifier: opt(
    z.looseObject({ twilio_call_sid: opt(z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'expected a Twilio call SID')) }),
  ),
  transfer_destination: opt(TransferTargetSchema),
  call_analysis: opt(
    CallAnalysisSchema.extend({
      call_summary: opt(z.string().max(LONG_TEXT)),
      user_sentiment: opt(short),
    }),
  ),
});

export type RetellCall = z.infer<typeof RetellCallSchema>;
