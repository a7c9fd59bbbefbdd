import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

/** calls.booking-intents.v1: the caller wanted something the call did not settle; a person should call back. */
export const CallbackNeededV1Schema = z.strictObject({
  type: z.literal('booking.callback-needed.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema,
  reason: z.enum(['no_date', 'no_time', 'caller_asked', 'no_service']),
  customer: z.strictObject({ id: z.uuid().nullable(), name: z.string().nullable(), phone: z.string().nullable() }),
  summary: z.string().nullable(),
});
export type CallbackNeededV1 = z.infer<typeof CallbackNeededV1Schema>;
