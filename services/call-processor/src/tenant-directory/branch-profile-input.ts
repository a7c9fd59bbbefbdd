import { addressV1, agentOverrideV1, dayHoursV1, greetingNameV1, languageTagV1, WEEKDAYS } from '@rb/contracts';
import type { BranchProfileV1, Weekday } from '@rb/contracts';
import { z } from 'zod';

/**
 * What the phone agent needs of a branch, as tenants.yaml and the admin API take it: the
 * contract's own schemas (one definition of a valid opening hour or agent id), plus what only the
 * input asks: the postal code's form where we know the country, a language the agent's sentences
 * exist in, a greeting name without surrounding blanks, and days left out of the hours as closed.
 */

/** Postal codes of the countries we serve, checked by form (elsewhere only the contract's shape). */
const POSTAL_CODES: Record<string, { pattern: RegExp; example: string }> = {
  DE: { pattern: /^\d{5}$/, example: '50667' },
  AT: { pattern: /^\d{4}$/, example: '1010' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
};

const address = () =>
  addressV1().superRefine((value, ctx) => {
    const known = POSTAL_CODES[value.country];
    if (known && !known.pattern.test(value.postalCode))
      ctx.addIssue({
        code: 'custom',
        path: ['postalCode'],
        message: `not a postal code of ${value.country} (e.g. ${known.example})`,
      });
  });

/** A BCP 47 tag (as the contract has it) of a language our sentences to the caller exist in: German or English. */
const language = () =>
  z
    .string()
    .regex(
      /^(de|en)-([A-Z]{2}|\d{3})$/,
      'German or English with a region, as BCP 47: de-DE, de-AT, de-CH, en-US, en-GB, …',
    )
    .pipe(languageTagV1());

/** Opening hours by weekday; a day left out is closed. */
const openingHours = () =>
  z.strictObject(
    Object.fromEntries(WEEKDAYS.map((day) => [day, dayHoursV1().default([])])) as Record<
      Weekday,
      z.ZodDefault<ReturnType<typeof dayHoursV1>>
    >,
  );

/** Each field of the profile, nullable where the contract says "not given"; absent means: the caller decides. */
export const branchProfileInput = {
  address: address().nullable(),
  openingHours: openingHours().nullable(),
  language: language(),
  agentOverride: agentOverrideV1().nullable(),
  greetingName: z.string().trim().pipe(greetingNameV1()).nullable(),
};

/** The fields with their defaults, for a branch declared whole (tenants.yaml, a new branch): none given, German. */
export const branchProfileWithDefaults = {
  address: branchProfileInput.address.default(null),
  openingHours: branchProfileInput.openingHours.default(null),
  language: branchProfileInput.language.default('de-DE'),
  agentOverride: branchProfileInput.agentOverride.default(null),
  greetingName: branchProfileInput.greetingName.default(null),
};

/** A branch's profile out of a validated input that has every field. */
export function profileOf(branch: BranchProfileV1): BranchProfileV1 {
  return {
    address: branch.address,
    openingHours: branch.openingHours,
    language: branch.language,
    agentOverride: branch.agentOverride,
    greetingName: branch.greetingName,
  };
}
