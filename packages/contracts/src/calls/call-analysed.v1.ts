import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

/** calls.lifecycle.v1: Retell's post-call analysis arrived; whether the call asked for an appointment. */
export const CallAnalysedV1Schema = z.strictObject({
  type: z.literal('call.analysed.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema.nullable(),
  successful: z.boolean().nullable(),
  sentiment: z.string().nullable(),
  inVoicemail: z.boolean().nullable(),
  outcome: z.enum(['booking_intent', 'callback_needed', 'handled_during_call', 'no_appointment', 'unrouted']),
});
export type CallAnalysedV1 = z.infer<typeof CallAnalysedV1Schema>;
