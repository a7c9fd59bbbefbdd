import { randomUUID } from 'node:crypto';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Branch, Company, PhoneNumber, Service, Staff } from './routing-directory';
import { RoutingDirectory } from './routing-directory';

const [COMPANY, BRANCH, SERVICE, OTHER_SERVICE, NUMBER] = [
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
];
const at = '2026-12-01T10:00:00Z';
const company = (extra: Partial<Company> = {}): Company => ({
  entity: 'company',
  id: COMPANY,
  active: true,
  changedAt: at,
  version: 1,
  slug: 'salon',
  name: 'Salon Haarmonie',
  ...extra,
});
const branch = (extra: Partial<Branch> = {}): Branch => ({
  entity: 'branch',
  id: BRANCH,
  active: true,
  changedAt: at,
  version: 1,
  companyId: COMPANY,
  slug: 'mitte',
  name: 'Mitte',
  timeZone: 'Europe/Berlin',
  federalState: 'BE',
  workingDays: [1, 2, 3, 4, 5],
  defaultServiceId: SERVICE,
  serviceIds: [SERVICE, OTHER_SERVICE],
  ...extra,
});
const service = (id: string, extra: Partial<Service> = {}): Service => ({
  entity: 'service',
  id,
  active: true,
  changedAt: at,
  version: 1,
  companyId: COMPANY,
  slug: id === SERVICE ? 'schnitt' : 'faerben',
  name: id === SERVICE ? 'Damenhaarschnitt' : 'Färben',
  synonyms: [],
  calcomEventTypeId: 1201,
  durationMinutes: 45,
  priceMinor: null,
  currency: 'EUR',
  ...extra,
});
const number = (extra: Partial<PhoneNumber> = {}): PhoneNumber => ({
  entity: 'phone_number',
  id: NUMBER,
  active: true,
  changedAt: at,
  version: 1,
  companyId: COMPANY,
  branchId: BRANCH,
  number: '+4930123456',
  ...extra,
});

const staff = (id: string, extra: Partial<Staff> = {}): Staff => ({
  entity: 'staff',
  id,
  active: true,
  changedAt: at,
  version: 1,
  companyId: COMPANY,
  branchId: BRANCH,
  slug: 'jana',
  name: 'Jana Becker',
  calcomUserId: null,
  serviceIds: [SERVICE],
  ...extra,
});

function directoryOf(events: DirectoryEntityChangedV1[]): RoutingDirectory {
  const directory = new RoutingDirectory();
  for (const e of events) directory.apply(e);
  return directory;
}

describe('the routing directory ingress keeps', () => {
  it('when a dialled number belongs to an active branch, then it routes to the branch, company and active services', () => {
    const directory = directoryOf([
      company(),
      branch(),
      service(SERVICE),
      service(OTHER_SERVICE, { active: false }),
      number(),
    ]);
    const routing = directory.route('+4930123456');
    expect(
      routing.kind === 'routed' && [
        routing.route.company.name,
        routing.route.branch.name,
        routing.route.services.map((s) => s.name),
      ],
    ).toEqual(['Salon Haarmonie', 'Mitte', ['Damenhaarschnitt']]);
  });

  it('when the number is unknown, inactive, or its branch or company is, then it does not route and says why', () => {
    expect(directoryOf([company(), branch(), number()]).route('+4930999999')).toEqual({ kind: 'unknown_number' });
    expect(directoryOf([company(), branch(), number({ active: false })]).route('+4930123456')).toEqual({
      kind: 'inactive',
      what: 'number',
    });
    expect(directoryOf([company(), branch({ active: false }), number()]).route('+4930123456')).toEqual({
      kind: 'inactive',
      what: 'branch',
    });
    expect(directoryOf([company({ active: false }), branch(), number()]).route('+4930123456')).toEqual({
      kind: 'inactive',
      what: 'company',
    });
    expect(directoryOf([number()]).route('+4930123456')).toEqual({ kind: 'incomplete' });
  });

  it('when an older state arrives after a newer one (a replay, a redelivery), then the newer one stays', () => {
    const directory = directoryOf([company({ version: 3, name: 'Neu' }), branch(), number()]);
    expect(directory.apply(company({ version: 2, name: 'Alt' }))).toBe(false);
    const routing = directory.route('+4930123456');
    expect(routing.kind === 'routed' && routing.route.company.name).toBe('Neu');
    // without versions (events from before them) the later change wins
    const unversioned = directoryOf([company({ version: undefined, changedAt: '2026-12-02T00:00:00Z', name: 'Neu' })]);
    expect(unversioned.apply(company({ version: undefined, changedAt: '2026-12-01T00:00:00Z', name: 'Alt' }))).toBe(
      false,
    );
  });

  it('when a number entity changes its number, then the old number no longer routes and the new one does', () => {
    const directory = directoryOf([company(), branch(), number(), number({ version: 2, number: '+4930765432' })]);
    expect(directory.route('+4930123456')).toEqual({ kind: 'unknown_number' });
    expect(directory.route('+4930765432').kind).toBe('routed');
    expect(directory.size).toBe(1);
  });
});

describe('the branch a live tool call names', () => {
  const [JANA, OLE] = [randomUUID(), randomUUID()];

  it('when the branch and its company are active, then it gives the active services and the active staff of that branch', () => {
    const directory = directoryOf([
      company(),
      branch(),
      service(SERVICE),
      service(OTHER_SERVICE, { active: false }),
      staff(JANA),
      staff(OLE, { name: 'Ole', active: false }),
      staff(randomUUID(), { name: 'Anderswo', branchId: randomUUID() }),
    ]);
    const routing = directory.branchRoute(BRANCH, COMPANY);
    expect(
      routing.kind === 'found' && [routing.route.services.map((s) => s.name), routing.route.staff.map((s) => s.name)],
    ).toEqual([['Damenhaarschnitt'], ['Jana Becker']]);
  });

  it('when a staff member moves to another branch, then the old branch no longer lists them', () => {
    const elsewhere = randomUUID();
    const directory = directoryOf([company(), branch(), staff(JANA), staff(JANA, { version: 2, branchId: elsewhere })]);
    const routing = directory.branchRoute(BRANCH);
    expect(routing.kind === 'found' && routing.route.staff).toEqual([]);
  });

  it('when the branch is unknown, belongs to another company, or it or its company is inactive, then it says so', () => {
    expect(directoryOf([company(), branch()]).branchRoute(randomUUID())).toEqual({ kind: 'unknown_branch' });
    expect(directoryOf([company(), branch()]).branchRoute(BRANCH, randomUUID())).toEqual({ kind: 'unknown_branch' });
    expect(directoryOf([company(), branch({ active: false })]).branchRoute(BRANCH)).toEqual({
      kind: 'inactive',
      what: 'branch',
    });
    expect(directoryOf([company({ active: false }), branch()]).branchRoute(BRANCH)).toEqual({
      kind: 'inactive',
      what: 'company',
    });
    expect(directoryOf([branch()]).branchRoute(BRANCH)).toEqual({ kind: 'incomplete' });
  });
});
