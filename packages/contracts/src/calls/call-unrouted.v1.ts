import { z } from 'zod';

/** calls.lifecycle.v1: no active business number matches the call; recorded, counted, never retried. */
export const CallUnroutedV1Schema = z.strictObject({
  type: z.literal('call.unrouted.v1'),
  callId: z.string().min(1),
  reason: z.enum(['unknown_number', 'inactive_number', 'no_business_number']),
  /** the business-side number that matched nothing (E.164), when there was one */
  businessNumber: z.string().nullable(),
});
export type CallUnroutedV1 = z.infer<typeof CallUnroutedV1Schema>;
