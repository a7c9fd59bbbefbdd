import { toRegistryJsonSchema } from '../registry';
import { BranchChangedV1Schema, DirectoryEntityChangedV1Schema } from './directory-entity-changed.v1';

const closed: never[] = [];
/** as call-processor wrote branches before the profile fields */
const BRANCH_BEFORE = {
  entity: 'branch',
  id: '00000000-0000-4000-8000-000000000002',
  active: true,
  changedAt: '2026-11-24T10:00:00.000Z',
  version: 4,
  companyId: '00000000-0000-4000-8000-000000000001',
  slug: 'koeln-mitte',
  name: 'Köln Mitte',
  timeZone: 'Europe/Berlin',
  federalState: 'NW',
  workingDays: [2, 3, 4, 5, 6],
  defaultServiceId: '00000000-0000-4000-8000-000000000011',
  serviceIds: ['00000000-0000-4000-8000-000000000011'],
};
const BRANCH = {
  ...BRANCH_BEFORE,
  address: { street: 'Hohe Straße 52', postalCode: '50667', city: 'Köln', country: 'DE' },
  openingHours: {
    mon: closed,
    tue: [{ opens: '09:00', closes: '18:30' }],
    wed: [{ opens: '09:00', closes: '18:30' }],
    thu: [
      { opens: '09:00', closes: '13:00' },
      { opens: '14:00', closes: '20:00' },
    ],
    fri: [{ opens: '09:00', closes: '18:30' }],
    sat: [{ opens: '08:00', closes: '14:00' }],
    sun: closed,
  },
  language: 'de-DE',
  agentOverride: { agentId: 'agent_8ed7f033dc20e357b87e2a81eb', agentVersion: 12 },
  greetingName: 'Salon Haarmonie am Dom',
};
const hours = (day: { opens: string; closes: string }[]) => ({
  ...BRANCH,
  openingHours: { ...BRANCH.openingHours, mon: day },
});

describe('tenants.directory.v1: a branch with what the phone agent needs', () => {
  it.each([
    ['a branch with every profile field', BRANCH],
    [
      'a branch whose fields are not given',
      { ...BRANCH, address: null, openingHours: null, agentOverride: null, greetingName: null },
    ],
    [
      'an override without a version, in English',
      { ...BRANCH, language: 'en-GB', agentOverride: { agentId: 'agent_5231bd025419e3633ce81dd0ee' } },
    ],
    ['a day open until midnight', hours([{ opens: '18:00', closes: '24:00' }])],
    [
      'a lunch break that ends when the afternoon opens',
      hours([
        { opens: '08:00', closes: '12:00' },
        { opens: '12:00', closes: '13:00' },
      ]),
    ],
    ['a branch from before the fields', BRANCH_BEFORE],
  ])('when %s goes through JSON and the contract, then it comes back the same', (_, event) => {
    expect(DirectoryEntityChangedV1Schema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it.each([
    [
      'a closing time before the opening time',
      hours([{ opens: '18:00', closes: '09:00' }]),
      'openingHours.mon.0.closes',
    ],
    ['an empty interval', hours([{ opens: '09:00', closes: '09:00' }]), 'openingHours.mon.0.closes'],
    [
      'overlapping intervals',
      hours([
        { opens: '08:00', closes: '13:00' },
        { opens: '12:00', closes: '18:00' },
      ]),
      'openingHours.mon.1.opens',
    ],
    [
      'intervals out of order',
      hours([
        { opens: '14:00', closes: '18:00' },
        { opens: '08:00', closes: '12:00' },
      ]),
      'openingHours.mon.1.opens',
    ],
    ['a time that is no HH:mm', hours([{ opens: '9:00', closes: '18:00' }]), 'openingHours.mon.0.opens'],
    ['an opening at 24:00', hours([{ opens: '24:00', closes: '24:00' }]), 'openingHours.mon.0.opens'],
    [
      'nine intervals a day',
      hours(Array.from({ length: 9 }, (_, i) => ({ opens: `1${i}:00`, closes: `1${i}:30` }))),
      'openingHours.mon',
    ],
    ['a day missing', { ...BRANCH, openingHours: { ...BRANCH.openingHours, sun: undefined } }, 'openingHours.sun'],
    ['a day we do not know', { ...BRANCH, openingHours: { ...BRANCH.openingHours, holiday: closed } }, 'openingHours'],
    ['a language without region', { ...BRANCH, language: 'de' }, 'language'],
    ['a language written with an underscore', { ...BRANCH, language: 'de_DE' }, 'language'],
    [
      'an agent id of another shape',
      { ...BRANCH, agentOverride: { agentId: 'llm_8ed7f033dc20e357' } },
      'agentOverride.agentId',
    ],
    [
      'a fractional agent version',
      { ...BRANCH, agentOverride: { ...BRANCH.agentOverride, agentVersion: 1.5 } },
      'agentOverride.agentVersion',
    ],
    ['a country in lower case', { ...BRANCH, address: { ...BRANCH.address, country: 'de' } }, 'address.country'],
    ['an address without a city', { ...BRANCH, address: { ...BRANCH.address, city: undefined } }, 'address.city'],
    ['a greeting name over 80 characters', { ...BRANCH, greetingName: 'x'.repeat(81) }, 'greetingName'],
  ])('when a branch has %s, then the contract refuses it at that field', (_, event, path) => {
    const parsed = DirectoryEntityChangedV1Schema.safeParse(event);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('when the JSON Schema of the branch is generated, then the new fields are written out in place, without $ref', () => {
    const branch = toRegistryJsonSchema(BranchChangedV1Schema) as { properties: Record<string, unknown> };
    for (const field of ['address', 'openingHours', 'language', 'agentOverride', 'greetingName'])
      expect(JSON.stringify(branch.properties[field])).not.toMatch(/\$ref|allOf/);
  });
});
