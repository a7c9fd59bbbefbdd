import { z } from 'zod';
import { testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { RegistrySerde } from '../serde';
import {
  BranchChangedV1Schema,
  CompanyChangedV1Schema,
  DirectoryEntityChangedV1Schema,
  PhoneNumberChangedV1Schema,
  ServiceChangedV1Schema,
  StaffChangedV1Schema,
} from './directory-entity-changed.v1';

/** Integration: the real schema registry, whose subjects are BACKWARD compatible. */
describe('tenants.directory.v1 with its optional version', () => {
  it('when the contract without `version` is registered first, then the one with it is accepted as BACKWARD compatible', async () => {
    const serde = new RegistrySerde(testRegistryUrl());
    const topic = uniqueName('it.directory-compat');
    const before = z.discriminatedUnion('entity', [
      CompanyChangedV1Schema.omit({ version: true }),
      BranchChangedV1Schema.omit({ version: true }),
      ServiceChangedV1Schema.omit({ version: true }),
      PhoneNumberChangedV1Schema.omit({ version: true }),
      StaffChangedV1Schema.omit({ version: true }),
    ]);
    const old = await serde.registerValueSchema(topic, before);
    const now = await serde.registerValueSchema(topic, DirectoryEntityChangedV1Schema);
    expect(now).not.toBe(old);
    // and an event written before the field existed still reads
    const event = {
      entity: 'company',
      id: '00000000-0000-4000-8000-000000000001',
      active: true,
      changedAt: '2026-11-01T10:00:00.000Z',
      slug: 'salon',
      name: 'Salon',
    };
    expect((await serde.decode(await serde.encode(old, event))).value).toEqual(event);
    expect(DirectoryEntityChangedV1Schema.parse(event)).toEqual(event);
  });
});

describe('tenants.directory.v1 with resellers, billing currencies and number kinds', () => {
  it('when the contract before resellers, billing currencies and number kinds is registered first, then the current one is accepted as BACKWARD', async () => {
    const serde = new RegistrySerde(testRegistryUrl());
    const topic = uniqueName('it.directory-compat');
    const before = z.discriminatedUnion('entity', [
      CompanyChangedV1Schema.omit({ resellerId: true, billingCurrency: true }),
      BranchChangedV1Schema,
      ServiceChangedV1Schema,
      PhoneNumberChangedV1Schema.omit({ numberKind: true, numberType: true }),
      StaffChangedV1Schema,
    ]);
    const old = await serde.registerValueSchema(topic, before);
    const now = await serde.registerValueSchema(topic, DirectoryEntityChangedV1Schema);
    expect(now).not.toBe(old);
    const base = { active: true, changedAt: '2026-11-24T10:00:00.000Z', version: 1 };
    const company = {
      entity: 'company',
      id: '00000000-0000-4000-8000-000000000001',
      ...base,
      slug: 'praxis',
      name: 'Praxis',
    };
    const reseller = {
      entity: 'reseller',
      id: '00000000-0000-4000-8000-0000000000aa',
      ...base,
      slug: 'agentur-mitte',
      name: 'Agentur Mitte',
      billingCurrency: 'CHF',
    };
    const number = {
      entity: 'phone_number',
      id: '00000000-0000-4000-8000-000000000003',
      ...base,
      companyId: company.id,
      branchId: '00000000-0000-4000-8000-000000000002',
      number: '+493412240870',
    };
    // written before: reads under both
    expect((await serde.decode(await serde.encode(old, company))).value).toEqual(company);
    expect(DirectoryEntityChangedV1Schema.parse(number)).toEqual(number);
    // written now: round-trips
    for (const event of [
      reseller,
      { ...company, resellerId: reseller.id, billingCurrency: 'CHF' },
      { ...number, numberKind: 'twilio_imported', numberType: 'local' },
    ]) {
      expect((await serde.decode(await serde.encode(now, event))).value).toEqual(event);
    }
    await expect(serde.encode(old, reseller)).rejects.toThrow();
  });
});
