import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

/** Retell's cost of the call as it reported it: cents, products as free-form strings. */
export const RetellCallCostSchema = z.strictObject({
  combinedCostCents: z.number().nonnegative(),
  totalDurationSeconds: z.number().nonnegative().nullable(),
  productCosts: z.array(z.strictObject({ product: z.string(), costCents: z.number() })),
});

/** calls.lifecycle.v1: the call is over; duration and Retell's cost, with the tenant for the cost service. */
export const CallEndedV1Schema = z.strictObject({
  type: z.literal('call.ended.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema.nullable(),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  disconnectionReason: z.string().nullable(),
  retellCost: RetellCallCostSchema.nullable(),
});
export type CallEndedV1 = z.infer<typeof CallEndedV1Schema>;
