import { z } from 'zod';

/**
 * What the agent told the caller about a booking during the call, read by call-processor from
 * call_analyzed's `transcript_with_tool_calls`: the results of its booking tools, and its own
 * sentences that claim a booking was made, moved or cancelled ("Ich habe Sie für Donnerstag um
 * 11 Uhr eingetragen"). booking compares each claim with what exists (the truth check).
 */
export const BookingClaimSchema = z.strictObject({
  /** a tool's answer the agent was given, or a sentence the agent said */
  source: z.enum(['tool_result', 'agent_sentence']),
  kind: z.enum(['booked', 'rescheduled', 'cancelled']),
  /** the booking the claim names (tool results name it; sentences rarely do) */
  bookingId: z.string().max(32).optional(),
  /** the claimed start, as far as it was said: to the minute, or only the day (local to the branch) */
  start: z
    .strictObject({
      utc: z.iso.datetime(),
      precision: z.enum(['minute', 'day']),
    })
    .optional(),
  /** the service the claim names, as said (matched loosely against the booking's service) */
  serviceName: z.string().max(200).optional(),
  language: z.enum(['de', 'en']),
  /** where in the transcript: the tool call's id, or the agent turn's index */
  at: z.string().max(128),
});
export type BookingClaim = z.infer<typeof BookingClaimSchema>;
