import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

/**
 * Retell's cost of the call as it reported it, whole: US-dollar cents, fractional (keep them
 * exact: a consumer reads them as decimals, never sums them as floats). Products are free strings.
 * Optional fields were added later under BACKWARD: events written before them lack them.
 */
export const RetellCallCostSchema = z.strictObject({
  combinedCostCents: z.number().nonnegative(),
  totalDurationSeconds: z.number().nonnegative().nullable(),
  /** Retell's price per second of the call's duration, in cents */
  totalDurationUnitPriceCents: z.number().nonnegative().nullable().optional(),
  productCosts: z.array(
    z.strictObject({
      product: z.string(),
      costCents: z.number(),
      /** cents per second of this product */
      unitPriceCents: z.number().nullable().optional(),
      /** the telephony of a transfer's second leg, not of the caller's leg */
      transferLeg: z.boolean().optional(),
    }),
  ),
});
export type RetellCallCost = z.infer<typeof RetellCallCostSchema>;

/**
 * Which line carried the call: a number bought through Retell (its telephony is inside Retell's
 * cost) or one imported from the business's own Twilio account (Twilio bills it apart, per
 * direction and number type).
 */
export const CallLineSchema = z.strictObject({
  numberKind: z.enum(['retell', 'twilio_imported']),
  numberType: z.enum(['local', 'mobile', 'toll_free']).nullable(),
});
export type CallLine = z.infer<typeof CallLineSchema>;

/** calls.lifecycle.v1: the call is over; duration and Retell's cost, with the tenant for the cost service. */
export const CallEndedV1Schema = z.strictObject({
  type: z.literal('call.ended.v1'),
  callId: z.string().min(1),
  attribution: TenantAttributionSchema.nullable(),
  /** when the call connected; null when it never did (absent on events from before the field) */
  startedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  disconnectionReason: z.string().nullable(),
  /** inbound, outbound or web (absent on events from before the field) */
  direction: z.enum(['inbound', 'outbound', 'web']).optional(),
  /** the business's line, from the directory (null when the call was not routed) */
  line: CallLineSchema.nullable().optional(),
  /** Twilio's call SID where Retell reports one: what Twilio's bill names the call by */
  twilioCallSid: z
    .string()
    .regex(/^CA[0-9a-fA-F]{32}$/)
    .nullable()
    .optional(),
  retellCost: RetellCallCostSchema.nullable(),
});
export type CallEndedV1 = z.infer<typeof CallEndedV1Schema>;
