import { z } from 'zod';
import type { TwilioRate } from '../costing/cost-inputs';
import { Exact } from '../money/exact';
import { decimalString, problemsOf, recordId, validityFields, validityProblems } from './input-fields';
import { inForceAt, latestDecided, validitiesOverlap } from './validity';

/**
 * Twilio's per-minute rate for an imported number, by (direction, number type), in force at the
 * instant; the latest decided if stored rates overlap. null: no rate is known for then.
 */
export function twilioRateInForce(
  rates: readonly TwilioRate[],
  direction: TwilioRate['direction'],
  numberType: TwilioRate['numberType'],
  at: Date,
): TwilioRate | null {
  return latestDecided(
    rates.filter((r) => r.direction === direction && r.numberType === numberType && inForceAt(r, at)),
  );
}

/** The stored rates of the same (direction, number type) whose validity overlaps the candidate's (never itself). */
export function overlappingTwilioRates(existing: readonly TwilioRate[], candidate: TwilioRate): TwilioRate[] {
  return existing.filter(
    (r) =>
      r.id !== candidate.id &&
      r.direction === candidate.direction &&
      r.numberType === candidate.numberType &&
      validitiesOverlap(r, candidate),
  );
}

const TwilioRateInputSchema = z.strictObject({
  id: recordId,
  direction: z.enum(['inbound', 'outbound']),
  numberType: z.enum(['local', 'mobile', 'toll_free']),
  /** US dollars per started minute, a decimal string */
  usdPerMinute: decimalString,
  /** Twilio bills every started minute; the only unit, optional in the input */
  unit: z.literal('per_started_minute').optional(),
  ...validityFields,
});
export type TwilioRateInput = z.input<typeof TwilioRateInputSchema>;

export type TwilioRateValidation = { kind: 'valid'; rate: TwilioRate } | { kind: 'invalid'; problems: string[] };

/** A Twilio rate as the HTTP API receives it (JSON), checked whole like a plan. */
export function validateTwilioRate(input: unknown): TwilioRateValidation {
  const parsed = TwilioRateInputSchema.safeParse(input);
  if (!parsed.success) return { kind: 'invalid', problems: problemsOf(parsed.error) };
  const data = parsed.data;
  const rate: TwilioRate = {
    ...data,
    unit: 'per_started_minute',
    usdPerMinute: Exact.parse(data.usdPerMinute),
    validFrom: new Date(data.validFrom),
    validUntil: data.validUntil === null ? null : new Date(data.validUntil),
  };
  const problems = validityProblems(rate.validFrom, rate.validUntil);
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'valid', rate };
}
