import { DirectoryEntityChangedV1Schema } from './directory-entity-changed.v1';

const base = { active: true, changedAt: '2026-11-24T10:00:00.000Z', version: 3 };
const RESELLER = {
  entity: 'reseller',
  id: '00000000-0000-4000-8000-0000000000aa',
  ...base,
  slug: 'agentur-mitte',
  name: 'Agentur Mitte',
  billingCurrency: 'EUR',
};
const COMPANY_OF_RESELLER = {
  entity: 'company',
  id: '00000000-0000-4000-8000-000000000001',
  ...base,
  slug: 'praxis-brandt',
  name: 'Hausarztpraxis Dr. Brandt',
  resellerId: RESELLER.id,
  billingCurrency: 'CHF',
};
const IMPORTED_NUMBER = {
  entity: 'phone_number',
  id: '00000000-0000-4000-8000-000000000003',
  ...base,
  companyId: COMPANY_OF_RESELLER.id,
  branchId: '00000000-0000-4000-8000-000000000002',
  number: '+493412240870',
  numberKind: 'twilio_imported',
  numberType: 'local',
};
/** as call-processor wrote them before resellers, currencies and number kinds */
const COMPANY_BEFORE = { entity: 'company', id: COMPANY_OF_RESELLER.id, ...base, slug: 'salon', name: 'Salon' };
const NUMBER_BEFORE = {
  entity: 'phone_number',
  id: IMPORTED_NUMBER.id,
  ...base,
  companyId: IMPORTED_NUMBER.companyId,
  branchId: IMPORTED_NUMBER.branchId,
  number: IMPORTED_NUMBER.number,
};

describe('tenants.directory.v1: resellers, billing currencies, number kinds', () => {
  it.each([
    ['a reseller', RESELLER],
    ['a company of a reseller, in its currency', COMPANY_OF_RESELLER],
    ['a company of the platform', { ...COMPANY_OF_RESELLER, resellerId: null }],
    ['a number imported from Twilio', IMPORTED_NUMBER],
    ['a Retell number of unknown type', { ...IMPORTED_NUMBER, numberKind: 'retell', numberType: null }],
    ['a company from before the fields', COMPANY_BEFORE],
    ['a number from before the fields', NUMBER_BEFORE],
  ])('when %s goes through JSON and the contract, then it comes back the same', (_, event) => {
    expect(DirectoryEntityChangedV1Schema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it.each([
    ['a currency in lower case', { ...RESELLER, billingCurrency: 'eur' }],
    ['a reseller without a currency', { ...RESELLER, billingCurrency: undefined }],
    ['a reseller id that is no uuid', { ...COMPANY_OF_RESELLER, resellerId: 'agentur-mitte' }],
    ['a number kind we do not know', { ...IMPORTED_NUMBER, numberKind: 'sip' }],
    ['a number type we do not know', { ...IMPORTED_NUMBER, numberType: 'landline' }],
  ])('when an entity has %s, then the contract refuses it', (_, event) => {
    expect(DirectoryEntityChangedV1Schema.safeParse(event).success).toBe(false);
  });
});
