import { IANAZone } from 'luxon';
import { z } from 'zod';
import { CompanyAnalysisFieldsSchema } from '../caller-wish/analysis-fields';
import { branchProfileInput, branchProfileWithDefaults } from './branch-profile-input';
import { currency, NumberKindSchema, NumberTypeSchema, toE164 } from './tenants-file-schema';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const zone = z.string().refine((tz) => IANAZone.isValidZone(tz), 'not an IANA time zone (e.g. Europe/Berlin)');
const phone = z
  .string()
  .transform(
    (raw, ctx) =>
      toE164(raw) ?? (ctx.addIssue({ code: 'custom', message: `"${raw}" is not a valid phone number` }), raw),
  );

const reseller = { name: z.string().min(1), billingCurrency: currency };
const company = {
  name: z.string().min(1),
  analysisFields: CompanyAnalysisFieldsSchema,
  /** the slug of the reseller the company buys from; null: from the platform directly */
  reseller: slug.nullable(),
  billingCurrency: currency,
};
const line = { numberKind: NumberKindSchema, numberType: NumberTypeSchema.nullable() };
const service = {
  name: z.string().min(1),
  synonyms: z.array(z.string().min(1)),
  calcomEventTypeId: z.number().int().positive(),
  durationMinutes: z.number().int().positive().max(1440),
  price: z
    .strictObject({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) })
    .nullable(),
};
const branch = {
  name: z.string().min(1),
  timeZone: zone,
  federalState: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .nullable(),
  workingDays: z.array(z.number().int().min(1).max(7)).min(1),
  serviceIds: z.array(z.uuid()).min(1),
  defaultServiceId: z.uuid(),
};
const staff = {
  name: z.string().min(1),
  calcomUserId: z.number().int().positive().nullable(),
  serviceIds: z.array(z.uuid()),
};
const active = { active: z.boolean() };

/** Request bodies of the admin API, by operation. */
export const AdminInput = {
  createReseller: z.strictObject({ slug, ...reseller, billingCurrency: currency.default('EUR') }),
  updateReseller: z.strictObject({ ...reseller, ...active }).partial(),
  createCompany: z.strictObject({
    slug,
    ...company,
    analysisFields: CompanyAnalysisFieldsSchema.default({}),
    reseller: company.reseller.default(null),
    billingCurrency: currency.default('EUR'),
  }),
  updateCompany: z.strictObject({ ...company, ...active }).partial(),
  createService: z.strictObject({
    slug,
    ...service,
    synonyms: service.synonyms.default([]),
    price: service.price.default(null),
  }),
  updateService: z.strictObject({ ...service, ...active }).partial(),
  createBranch: z.strictObject({
    slug,
    ...branch,
    federalState: branch.federalState.default(null),
    workingDays: branch.workingDays.default([1, 2, 3, 4, 5]),
    ...branchProfileWithDefaults,
  }),
  /** a profile field given replaces it whole (an address, all opening hours, the override); null clears it */
  updateBranch: z.strictObject({ ...branch, ...branchProfileInput, ...active }).partial(),
  addPhoneNumber: z.strictObject({
    number: phone,
    numberKind: line.numberKind.default('retell'),
    numberType: line.numberType.default(null),
  }),
  updatePhoneNumber: z.strictObject({ ...active, branchId: z.uuid(), ...line }).partial(),
  createStaff: z.strictObject({
    slug,
    ...staff,
    calcomUserId: staff.calcomUserId.default(null),
    serviceIds: staff.serviceIds.default([]),
  }),
  updateStaff: z.strictObject({ ...staff, ...active }).partial(),
};
export type AdminOperation = keyof typeof AdminInput;
