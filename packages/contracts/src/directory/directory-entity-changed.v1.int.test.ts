import { z } from 'zod';
import { testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { RegistrySerde } from '../serde';
import {
  BranchChangedV1Schema,
  CompanyChangedV1Schema,
  DirectoryEntityChangedV1Schema,
  languageTagV1,
  PhoneNumberChangedV1Schema,
  ResellerChangedV1Schema,
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

describe('tenants.directory.v1 with what the phone agent needs of a branch', () => {
  const profile = {
    address: true,
    openingHours: true,
    language: true,
    agentOverride: true,
    greetingName: true,
  } as const;
  const branchBefore = {
    entity: 'branch',
    id: '00000000-0000-4000-8000-000000000002',
    active: true,
    changedAt: '2026-11-24T10:00:00.000Z',
    version: 2,
    companyId: '00000000-0000-4000-8000-000000000001',
    slug: 'leipzig',
    name: 'Leipzig Zentrum',
    timeZone: 'Europe/Berlin',
    federalState: 'SN',
    workingDays: [1, 2, 3, 4, 5],
    defaultServiceId: '00000000-0000-4000-8000-000000000011',
    serviceIds: ['00000000-0000-4000-8000-000000000011'],
  };
  const week = (day: { opens: string; closes: string }[]) => ({
    mon: day,
    tue: day,
    wed: day,
    thu: day,
    fri: [{ opens: '08:00', closes: '12:00' }],
    sat: [],
    sun: [],
  });
  const branchNow = {
    ...branchBefore,
    address: { street: 'Grimmaische Straße 14', postalCode: '04109', city: 'Leipzig', country: 'DE' },
    openingHours: week([
      { opens: '08:00', closes: '12:00' },
      { opens: '15:00', closes: '18:00' },
    ]),
    language: 'de-DE',
    agentOverride: { agentId: 'agent_8ed7f033dc20e357b87e2a81eb', agentVersion: 12 },
    greetingName: 'Hausarztpraxis Dr. Brandt',
  };

  it('when the contract before the branch profile is registered first, then the current one is accepted as BACKWARD and both forms of a branch read', async () => {
    const serde = new RegistrySerde(testRegistryUrl());
    const topic = uniqueName('it.directory-compat');
    const before = z.discriminatedUnion('entity', [
      ResellerChangedV1Schema,
      CompanyChangedV1Schema,
      BranchChangedV1Schema.omit(profile),
      ServiceChangedV1Schema,
      PhoneNumberChangedV1Schema,
      StaffChangedV1Schema,
    ]);
    const old = await serde.registerValueSchema(topic, before);
    const now = await serde.registerValueSchema(topic, DirectoryEntityChangedV1Schema);
    expect(now).not.toBe(old);
    // written before: reads under both
    expect((await serde.decode(await serde.encode(old, branchBefore))).value).toEqual(branchBefore);
    expect(DirectoryEntityChangedV1Schema.parse(branchBefore)).toEqual(branchBefore);
    // written now: round-trips, with the fields given and not given
    const notGiven = { ...branchBefore, address: null, openingHours: null, agentOverride: null, greetingName: null };
    for (const event of [branchNow, { ...notGiven, language: 'en-US' }])
      expect((await serde.decode(await serde.encode(now, event))).value).toEqual(event);
    await expect(serde.encode(old, branchNow)).rejects.toThrow();
  });

  it('when a profile field were required instead, then the registry refuses it as not BACKWARD', async () => {
    const serde = new RegistrySerde(testRegistryUrl());
    const topic = uniqueName('it.directory-compat');
    await serde.registerValueSchema(topic, BranchChangedV1Schema.omit(profile));
    await expect(
      serde.registerValueSchema(topic, BranchChangedV1Schema.omit(profile).extend({ language: languageTagV1() })),
    ).rejects.toThrow();
  });
});
