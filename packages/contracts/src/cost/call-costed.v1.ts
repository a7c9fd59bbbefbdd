import { z } from 'zod';

/**
 * cost.call-costs.v1 (key: call id): what a call cost and what each party earned on it, from the
 * cost service's append-only ledger. `cost.call-costed.v1` is a call's first costing (revision 1);
 * `cost.call-cost-adjusted.v1` every later change (a later cost figure from Retell, a booking that
 * arrived after the costing, a re-cost with its reason): its `lines` are the call's whole costing
 * after the change and `appended` the ledger entries the change added (their sums per line are the
 * difference). Amounts are exact decimal strings, never JSON numbers: Retell's cents are fractional
 * and the ledger keeps 8 decimals. Delivery is at least once: deduplicate on `ce_id`
 * (`<call id>:cost:<revision>`); a higher revision supersedes a lower one.
 */
const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('an exact decimal number as text (never a float)');
const day = z.iso.date();

export const CostLineV1Schema = z.strictObject({
  kind: z.enum([
    'call',
    'connected_seconds',
    'confirmed_bookings',
    'alternative_bookings',
    'base_cost',
    'wholesale',
    'retail',
    'platform_profit',
    'reseller_profit',
  ]),
  /** base cost: Retell's product or `twilio`; wholesale and retail: usage, minimum, booking_fees */
  component: z.string(),
  /** ISO 4217; empty for quantities (calls, seconds, bookings) */
  currency: z.string().regex(/^([A-Z]{3})?$/),
  amount: decimal,
  /** the amount in euros at the call's ECB rate */
  amountEur: decimal,
});

const costed = {
  callId: z.string().min(1),
  revision: z.number().int().positive(),
  cause: z.enum(['costed', 'late_fact', 'recost']),
  /** the operator's reason, for a re-cost */
  reason: z.string().max(500).nullable(),
  attribution: z
    .strictObject({
      companyId: z.uuid(),
      branchId: z.uuid(),
      phoneNumberId: z.uuid(),
      resellerId: z.uuid().nullable(),
      serviceId: z.uuid().nullable(),
      staffId: z.uuid().nullable(),
    })
    .nullable()
    .describe('null: the call reached no tenant; its base cost is the platform’s alone'),
  /** the call's calendar day in Europe/Berlin, which chose the rate */
  callDay: day,
  rate: z.strictObject({ date: day, usdPerEur: decimal }).nullable(),
  plans: z.strictObject({ wholesale: z.uuid().nullable(), retail: z.uuid().nullable() }),
  lines: z.array(CostLineV1Schema),
  appended: z.array(CostLineV1Schema),
  totals: z.strictObject({
    baseCostUsd: decimal,
    baseCostEur: decimal,
    wholesaleEur: decimal,
    retailEur: decimal,
    platformProfitEur: decimal,
    resellerProfitEur: decimal,
  }),
  costedAt: z.iso.datetime({ offset: true }),
};

export const CallCostedV1Schema = z.strictObject({ type: z.literal('cost.call-costed.v1'), ...costed });
export const CallCostAdjustedV1Schema = z.strictObject({ type: z.literal('cost.call-cost-adjusted.v1'), ...costed });

/** Value schema of cost.call-costs.v1. */
export const CallCostEventSchema = z.discriminatedUnion('type', [CallCostedV1Schema, CallCostAdjustedV1Schema]);
export type CallCostEvent = z.infer<typeof CallCostEventSchema>;
export type CostLineV1 = z.infer<typeof CostLineV1Schema>;
