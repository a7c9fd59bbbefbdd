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
