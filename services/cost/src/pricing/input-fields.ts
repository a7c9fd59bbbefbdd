import { z } from 'zod';

/**
 * The pieces of the HTTP API's inputs for plans and rates: amounts as decimal strings (never JSON
 * numbers, which are floats), ISO date-times with an offset, ISO currency codes.
 */
export const MAX_PRICE_DECIMALS = 6;

const DECIMAL = new RegExp(`^\\d+(\\.\\d{1,${MAX_PRICE_DECIMALS}})?$`);
const decimalError = `a decimal string ≥ 0 with at most ${MAX_PRICE_DECIMALS} decimals, e.g. "0.15" (not a JSON number)`;

export const decimalString = z.string({ error: decimalError }).regex(DECIMAL, { error: decimalError });

/** A date-time with an offset, in the years prices can be about (the database stores years 1–9999 only, and nothing older is meant) */
export const dateTimeWithOffset = z.iso
  .datetime({
    offset: true,
    error: 'an ISO 8601 date-time with a zone offset, e.g. "2024-07-01T00:00:00+02:00"',
  })
  .refine((text) => {
    const year = new Date(text).getUTCFullYear();
    return year >= 2000 && year <= 2999;
  }, 'a date-time in the years 2000–2999');

export const currencyCode = z.string({ error: 'an ISO 4217 code' }).regex(/^[A-Z]{3}$/, { error: 'an ISO 4217 code' });

/**
 * A plan's or rate's id: a uuid, as the database stores it and cost.call-costs.v1 names it (an id
 * the event's contract refused would make every call priced under it uncostable).
 */
export const recordId = z.uuid({ error: 'a uuid' });

/** Counts stored as PostgreSQL integers. */
export const MAX_COUNT = 2_147_483_647;

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
