import { z } from 'zod';
import type { Plan } from '../costing/cost-inputs';
import { Exact } from '../money/exact';
import {
  currencyCode,
  decimalString,
  MAX_COUNT,
  problemsOf,
  recordId,
  validityFields,
  validityProblems,
} from './input-fields';
import { PLATFORM } from './plans';

const PlanInputSchema = z.strictObject({
  id: recordId,
  /** 'platform' or the selling reseller's id */
  seller: z.union([z.literal(PLATFORM), z.uuid()], { error: '"platform" or a reseller id (uuid)' }),
  buyer: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('reseller'), resellerId: z.uuid() }),
    z.strictObject({ kind: z.literal('company'), companyId: z.uuid() }),
    z.strictObject({ kind: z.literal('default') }),
  ]),
  currency: currencyCode,
  unit: z.enum(['per_second', 'per_started_minute', 'per_minute_rounded']),
  pricePerUnit: decimalString,
  minimumPerConnectedCall: decimalString,
  feePerConfirmedBooking: decimalString.nullable().optional(),
  monthlyFee: decimalString,
  includedMinutes: z.number().int().nonnegative().max(MAX_COUNT),
  ...validityFields,
});
export type PlanInput = z.input<typeof PlanInputSchema>;

export type PlanValidation = { kind: 'valid'; plan: Plan } | { kind: 'invalid'; problems: string[] };

/**
 * A plan as the HTTP API receives it (JSON), checked whole: every problem is named, nothing is
 * half-accepted. Besides the shape: validFrom < validUntil, and only the platform sells to resellers.
 */
export function validatePlan(input: unknown): PlanValidation {
  const parsed = PlanInputSchema.safeParse(input);
  if (!parsed.success) return { kind: 'invalid', problems: problemsOf(parsed.error) };
  const plan = toPlan(parsed.data);
  const problems = [
    ...validityProblems(plan.validFrom, plan.validUntil),
    ...(plan.buyer.kind === 'reseller' && plan.seller !== PLATFORM
      ? ['buyer: resellers buy from the platform only']
      : []),
  ];
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'valid', plan };
}

function toPlan(input: z.output<typeof PlanInputSchema>): Plan {
  return {
    ...input,
    pricePerUnit: Exact.parse(input.pricePerUnit),
    minimumPerConnectedCall: Exact.parse(input.minimumPerConnectedCall),
    feePerConfirmedBooking: input.feePerConfirmedBooking == null ? null : Exact.parse(input.feePerConfirmedBooking),
    monthlyFee: Exact.parse(input.monthlyFee),
    validFrom: new Date(input.validFrom),
    validUntil: input.validUntil === null ? null : new Date(input.validUntil),
  };
}
