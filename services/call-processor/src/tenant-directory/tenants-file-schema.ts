import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { CompanyAnalysisFieldsSchema } from '../caller-wish/analysis-fields';
import { branchProfileWithDefaults } from './branch-profile-input';

/** A phone number as people write it ("0221 1234567", "+49 (221) 123-4567") → E.164, or an issue. */
export function toE164(raw: string, defaultCountry: 'DE' | 'AT' | 'CH' = 'DE'): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(raw, defaultCountry);
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
/** ISO 4217: what a party is billed in */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. EUR');
const phone = z.string().transform((raw, ctx) => {
  const e164 = toE164(raw);
  if (!e164) ctx.addIssue({ code: 'custom', message: `"${raw}" is not a valid phone number` });
  return e164 ?? raw;
});
export const NumberKindSchema = z.enum(['retell', 'twilio_imported']);
export const NumberTypeSchema = z.enum(['local', 'mobile', 'toll_free']);

/** A value that is either text or a mapping, each checked by its own schema (so problems keep their own words). */
function textOrMapping<A extends z.ZodType, B extends z.ZodType>(text: A, mapping: B) {
  return z.unknown().transform((value, ctx): z.output<A> | z.output<B> => {
    const parsed = (typeof value === 'object' && value !== null ? mapping : text).safeParse(value);
    if (parsed.success) return parsed.data as z.output<A> | z.output<B>;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as never);
    return z.NEVER;
  });
}

/**
 * A branch's number: just the number (bought through Retell, type not known), or with its kind
 * and type: `{ number: '+49…', numberKind: twilio_imported, numberType: local }`.
 */
const PhoneNumberSchema = textOrMapping(
  phone,
  z.strictObject({
    number: phone,
    numberKind: NumberKindSchema.default('retell'),
    numberType: NumberTypeSchema.nullable().default(null),
  }),
);
export type PhoneNumberEntry = z.output<typeof PhoneNumberSchema>;

/** A number entry with its kind and type filled in. */
export function lineOf(entry: PhoneNumberEntry): {
  number: string;
  numberKind: z.output<typeof NumberKindSchema>;
  numberType: z.output<typeof NumberTypeSchema> | null;
} {
  return typeof entry === 'string' ? { number: entry, numberKind: 'retell', numberType: null } : entry;
}

const ServiceSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  calcomEventTypeId: z.number().int().positive(),
  durationMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
  price: z
    .strictObject({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) })
    .optional(),
  active: z.boolean().default(true),
});

const StaffSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  calcomUserId: z.number().int().positive().optional(),
  services: z.array(slug).default([]),
  active: z.boolean().default(true),
});

const BranchSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (e.g. Europe/Berlin)'),
  federalState: z
    .string()
    .regex(/^[A-Z]{2}$/, 'two capital letters, e.g. BY, NW')
    .optional(),
  workingDays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  services: z.array(slug).min(1),
  defaultService: slug,
  phoneNumbers: z.array(PhoneNumberSchema).default([]),
  staff: z.array(StaffSchema).default([]),
  active: z.boolean().default(true),
  /** address, openingHours, language, agentOverride, greetingName: none given and German unless said */
  ...branchProfileWithDefaults,
});

const CompanySchema = z.strictObject({
  slug,
  name: z.string().min(1),
  /** the slug of the reseller (declared under `resellers`) the company buys from; none: from the platform */
  reseller: slug.optional(),
  billingCurrency: currency.default('EUR'),
  analysisFields: CompanyAnalysisFieldsSchema.default({}),
  services: z.array(ServiceSchema).min(1),
  branches: z.array(BranchSchema).min(1),
  active: z.boolean().default(true),
});

/** An agency selling the phone agent on to companies, in its own billing currency. */
const ResellerSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  billingCurrency: currency.default('EUR'),
  active: z.boolean().default(true),
});

/** `tenants.yaml` as written, before references across entries are checked (`checkReferences`). */
export const TenantsFileShape = z.strictObject({
  resellers: z.array(ResellerSchema).default([]),
  companies: z.array(CompanySchema),
});
export type TenantsFileContent = z.output<typeof TenantsFileShape>;
