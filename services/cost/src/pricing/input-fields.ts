import { z } from 'zod';

/**
 * The pieces of the HTTP API's inputs for plans and rates: amounts as decimal strings (never JSON
 * numbers, which are floats), ISO date-times with an offset, ISO currency codes.
 */
export const MAX_PRICE_DECIMALS = 6;

const DECIMAL = new RegExp(`^\\d+(\\.\\d{1,${MAX_PRICE_DECIMALS}})?$`);
const decimalError = `a decimal string ≥ 0 with at most ${MAX_PRICE_DECIMALS} decimals, e.g. "0.15" (not a JSON number)`;

export const decimalString = z.string({ error: decimalError }).regex(DECIMAL, { error: decimalError });

export const dateTimeWithOffset = z.iso.datetime({
  offset: true,
  error: 'an ISO 8601 date-time with a zone offset, e.g. "2024-07-01T00:00:00+02:00"',
});

export const currencyCode = z.string({ error: 'an ISO 4217 code' }).regex(/^[A-Z]{3}$/, { error: 'an ISO 4217 code' });

/** An id as the API takes it: letters, digits and . _ : - only (ids never carry personal data). */
export const recordId = z
  .string({ error: 'an id' })
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'an id of 1–64 letters, digits, ".", "_", ":" or "-"' });

export const validityFields = {
  validFrom: dateTimeWithOffset,
  validUntil: dateTimeWithOffset.nullable(),
};

/** Every problem zod found, each as `<field path>: <message>`. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
}

/** The validity's problem, if any: it must start before it ends. */
export function validityProblems(validFrom: Date, validUntil: Date | null): string[] {
  return validUntil !== null && validFrom.getTime() >= validUntil.getTime()
    ? ['validUntil: must be after validFrom']
    : [];
}
