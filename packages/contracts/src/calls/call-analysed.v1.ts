import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';
import { BookingClaimSchema } from './booking-claim';
import { RetellCallCostSchema } from './call-ended.v1';

/**
 * calls.lifecycle.v1: Retell's post-call analysis arrived; whether the call asked for an appointment.
 * `retellCost` is the cost call_analyzed reported: the latest figure, which wins over call.ended.v1's
 * (absent when call_analyzed carried none, and on events from before the field).
 */
export const CallAnalysedV1Schema = z.strictObject({
  type: z.literal('call.analysed.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema.nullable(),
  successful: z.boolean().nullable(),
  sentiment: z.string().nullable(),
  inVoicemail: z.boolean().nullable(),
  outcome: z.enum(['booking_intent', 'callback_needed', 'handled_during_call', 'no_appointment', 'unrouted']),
  retellCost: RetellCallCostSchema.nullable().optional(),
  /**
   * what the agent claimed about bookings during the call (tool results and its own sentences),
   * for booking's truth check; absent on events from before the field, empty when it claimed nothing
   */
  claims: z.array(BookingClaimSchema).max(20).optional(),
});
export type CallAnalysedV1 = z.infer<typeof CallAnalysedV1Schema>;
