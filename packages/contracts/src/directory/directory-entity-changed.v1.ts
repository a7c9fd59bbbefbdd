import { z } from 'zod';
import { branchProfileFieldsV1 } from './branch-profile';

export * from './branch-profile';

/**
 * `tenants.directory.v1` (compacted, key = entity id): the current state of each directory entity
 * whenever it is created or changed, so other services keep their own read model (event-carried
 * state transfer). Deactivation is `active: false`, never a tombstone. No secrets ever.
 *
 * Of two states of one entity, the one with the higher `version` is the newer: the database
 * assigns it inside the writing transaction, so it follows commit order. `changedAt` is the
 * writer's clock, read before its transaction: it only orders events that carry no version
 * (written before the field was added).
 */
const base = {
  id: z.uuid(),
  active: z.boolean(),
  changedAt: z.iso.datetime({ offset: true }),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('per entity, assigned by the database when the change commits; higher = newer (absent on old events)'),
};

/**
 * ISO 4217 code, e.g. EUR: what a party is billed in (absent on events from before the field: EUR).
 * A new schema at each use, so the JSON Schema writes it out in place: one schema shared by the
 * reseller and the company became a `$ref` under `allOf`, which the registry's BACKWARD check
 * refuses against the company's inline string ("Combined type subschema not compatible").
 */
const currency = () => z.string().regex(/^[A-Z]{3}$/);

/** An agency that sells the phone agent to businesses: it buys from the platform (wholesale) and sells on (retail). */
export const ResellerChangedV1Schema = z.strictObject({
  entity: z.literal('reseller'),
  ...base,
  slug: z.string(),
  name: z.string(),
  billingCurrency: currency(),
});
export const CompanyChangedV1Schema = z.strictObject({
  entity: z.literal('company'),
  ...base,
  slug: z.string(),
  name: z.string(),
  /** the reseller the company buys from; null: from the platform directly (absent on old events: null) */
  resellerId: z.uuid().nullable().optional(),
  billingCurrency: currency().optional(),
});
export const BranchChangedV1Schema = z.strictObject({
  entity: z.literal('branch'),
  ...base,
  companyId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  federalState: z.string().nullable(),
  workingDays: z.array(z.number().int().min(1).max(7)),
  defaultServiceId: z.uuid(),
  serviceIds: z.array(z.uuid()),
  /** what the phone agent needs: address, opening hours, language, agent override, greeting name */
  ...branchProfileFieldsV1(),
});
export const ServiceChangedV1Schema = z.strictObject({
  entity: z.literal('service'),
  ...base,
  companyId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  synonyms: z.array(z.string()),
  calcomEventTypeId: z.number().int().positive(),
  durationMinutes: z.number().int().positive(),
  priceMinor: z.number().int().nonnegative().nullable(),
  currency: z.string().length(3),
});
export const PhoneNumberChangedV1Schema = z.strictObject({
  entity: z.literal('phone_number'),
  ...base,
  companyId: z.uuid(),
  branchId: z.uuid(),
  number: z.string().regex(/^\+[1-9]\d{6,14}$/),
  /** bought through Retell (telephony inside Retell's cost) or imported from the business's own Twilio account (absent on old events: retell) */
  numberKind: z.enum(['retell', 'twilio_imported']).optional(),
  /** what Twilio's per-minute rates depend on (absent: unknown) */
  numberType: z.enum(['local', 'mobile', 'toll_free']).nullable().optional(),
});
export const StaffChangedV1Schema = z.strictObject({
  entity: z.literal('staff'),
  ...base,
  companyId: z.uuid(),
  branchId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  calcomUserId: z.number().int().positive().nullable(),
  serviceIds: z.array(z.uuid()),
});

export const DirectoryEntityChangedV1Schema = z.discriminatedUnion('entity', [
  ResellerChangedV1Schema,
  CompanyChangedV1Schema,
  BranchChangedV1Schema,
  ServiceChangedV1Schema,
  PhoneNumberChangedV1Schema,
  StaffChangedV1Schema,
]);
export type DirectoryEntityChangedV1 = z.infer<typeof DirectoryEntityChangedV1Schema>;
export const DIRECTORY_ENTITY_CHANGED_V1 = 'ai.retell-booking.directory.entity-changed.v1';
