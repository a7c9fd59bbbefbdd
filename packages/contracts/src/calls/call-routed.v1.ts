import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

/** calls.lifecycle.v1: the dialled (or calling, for outbound) number is a known business number. */
export const CallRoutedV1Schema = z.strictObject({
  type: z.literal('call.routed.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema,
  direction: z.enum(['inbound', 'outbound', 'web']),
  customerId: z.uuid().nullable(),
  startedAt: z.iso.datetime({ offset: true }).nullable(),
  timeZone: z.string(),
});
export type CallRoutedV1 = z.infer<typeof CallRoutedV1Schema>;
