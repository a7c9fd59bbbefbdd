import type { Server } from 'node:http';
import { once } from 'node:events';
import { DirectoryEntityChangedV1Schema, frameJson, registerValueSchema } from '@rb/contracts';
import { typeormTransactions } from '@rb/kafka-runner';
import { createLogger, createMetricsRegistry } from '@rb/observability';
import { testRegistryUrl, uniqueName } from '../../../../../test/support/kafka';
import { MIGRATIONS } from '../../infra/db/data-source';
import { createTestDatabase } from '../../../../../test/support/postgres';
import { makeDirectoryAdmin } from '../../tenant-directory/directory-admin';
import { makeImportTenantsFile } from '../../tenant-directory/import-tenants-file';
import { makeApp } from './app';

/** Integration: a branch's profile (what the phone agent needs) through the admin API, PostgreSQL and the registry. */
const TOKEN = 'test-admin-token-0123456789abcdef';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('call_processor', MIGRATIONS);
  const schemaId = await registerValueSchema(
    testRegistryUrl(),
    uniqueName('it.directory'),
    DirectoryEntityChangedV1Schema,
  );
  const deps = {
    transactions: typeormTransactions(db.dataSource),
    encode: (e: unknown) => frameJson(schemaId, Buffer.from(JSON.stringify(DirectoryEntityChangedV1Schema.parse(e)))),
    clock: () => new Date(),
    source: '/test',
  };
  const app = makeApp({
    importTenantsFile: makeImportTenantsFile(deps),
    administer: makeDirectoryAdmin(deps),
    adminTokens: [TOKEN],
    health: { isLive: () => true, notReady: () => [] },
    registry: createMetricsRegistry('test'),
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/admin`;
});
afterAll(async () => {
  server.close();
  await db.drop();
});

async function call(method: string, path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { id: string } };
}
/** The entity's last directory event, read back through the contract. */
async function lastPublished(id: string) {
  const [row] = (await db.dataSource.query(
    "SELECT value FROM outbox WHERE topic = 'tenants.directory.v1' AND key = $1 ORDER BY id DESC LIMIT 1",
    [id],
  )) as { value: Buffer }[];
  return DirectoryEntityChangedV1Schema.parse(JSON.parse(row!.value.subarray(5).toString()));
}
const issuePaths = (body: Record<string, unknown>) => (body.issues as { path: string }[]).map((i) => i.path).sort();

const closed: never[] = [];
const WEEK = {
  mon: [
    { opens: '08:00', closes: '12:00' },
    { opens: '14:00', closes: '18:00' },
  ],
  tue: [{ opens: '08:00', closes: '18:00' }],
  wed: [{ opens: '08:00', closes: '12:00' }],
  thu: [{ opens: '08:00', closes: '18:00' }],
  fri: [{ opens: '08:00', closes: '16:00' }],
  sat: closed,
  sun: closed,
};
const PROFILE = {
  address: { street: 'Kaufingerstraße 9', postalCode: '80331', city: 'München', country: 'DE' },
  openingHours: WEEK,
  language: 'de-DE',
  agentOverride: { agentId: 'agent_e4def83d0446dfc7e44f11e750', agentVersion: 3 },
  greetingName: 'Autowerkstatt Koch am Stachus',
};
const profileOf = (branch: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(PROFILE).map((field) => [field, branch[field]]));

describe('the admin API: what the phone agent needs of a branch', () => {
  let companyId: string;
  let serviceId: string;
  let branchId: string;
  const newBranch = (slug: string, profile: object) => ({
    slug,
    name: 'München',
    timeZone: 'Europe/Berlin',
    serviceIds: [serviceId],
    defaultServiceId: serviceId,
    ...profile,
  });

  beforeAll(async () => {
    companyId = (await call('POST', '/companies', { slug: 'werkstatt-koch', name: 'Werkstatt Koch' })).body.id;
    serviceId = (
      await call('POST', `/companies/${companyId}/services`, {
        slug: 'inspektion',
        name: 'Inspektion',
        calcomEventTypeId: 3301,
        durationMinutes: 120,
      })
    ).body.id;
  });

  it('when a branch is created with its profile, then 201 answers every field and its directory event carries them', async () => {
    const created = await call('POST', `/companies/${companyId}/branches`, newBranch('muenchen', PROFILE));
    expect(created).toMatchObject({ status: 201, body: { entity: 'branch', ...PROFILE } });
    branchId = created.body.id;
    expect(await lastPublished(branchId)).toEqual(created.body);
  });

  it('when a branch is created without a profile, then none is given and the agent speaks German', async () => {
    const created = await call('POST', `/companies/${companyId}/branches`, newBranch('augsburg', {}));
    expect(created).toMatchObject({
      status: 201,
      body: { address: null, openingHours: null, language: 'de-DE', agentOverride: null, greetingName: null },
    });
    expect(await lastPublished(created.body.id)).toEqual(created.body);
  });

  it('when fields of the profile are changed, then each given is replaced whole, null clears it, the others stay, and each change is published', async () => {
    const saturdayOnly = { mon: closed, tue: closed, wed: closed, thu: closed, fri: closed, sun: closed };
    const steps: [Record<string, unknown>, Record<string, unknown>][] = [
      // a day left out of the hours is closed
      [
        { openingHours: { sat: [{ opens: '09:00', closes: '13:00' }] } },
        { openingHours: { ...saturdayOnly, sat: [{ opens: '09:00', closes: '13:00' }] } },
      ],
      // the override without a version: the agent's current one
      [
        { agentOverride: { agentId: 'agent_5231bd025419e3633ce81dd0ee' } },
        { agentOverride: { agentId: 'agent_5231bd025419e3633ce81dd0ee' } },
      ],
      [
        { language: 'en-US', greetingName: '  Koch Car Service  ' },
        { language: 'en-US', greetingName: 'Koch Car Service' },
      ],
      [
        { address: null, agentOverride: null, openingHours: null, greetingName: null },
        { address: null, agentOverride: null, openingHours: null, greetingName: null },
      ],
      [{ address: PROFILE.address }, { address: PROFILE.address }],
    ];
    let expected: Record<string, unknown> = { ...PROFILE };
    for (const [body, changed] of steps) {
      expected = { ...expected, ...changed };
      const answer = await call('PATCH', `/branches/${branchId}`, body);
      expect(answer.status).toBe(200);
      expect(profileOf(answer.body)).toEqual(expected);
      expect(await lastPublished(branchId)).toEqual(answer.body);
    }
    // a change of something else leaves the profile as it is
    const renamed = await call('PATCH', `/branches/${branchId}`, { name: 'München Zentrum' });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'München Zentrum', ...expected } });
  });

  it('when hours, language, agent id, postal code or greeting name are not what the agent can use, then 400 names each field and nothing changes', async () => {
    const bad = {
      address: { ...PROFILE.address, postalCode: '8033' },
      openingHours: {
        mon: [{ opens: '18:00', closes: '08:00' }],
        tue: [
          { opens: '08:00', closes: '13:00' },
          { opens: '12:00', closes: '18:00' },
        ],
        wed: [{ opens: '8:00', closes: '12:00' }],
      },
      language: 'fr-FR',
      agentOverride: { agentId: 'retell-agent-1', agentVersion: 1.5 },
      greetingName: 'x'.repeat(81),
    };
    const expectedPaths = [
      'address.postalCode',
      'agentOverride.agentId',
      'agentOverride.agentVersion',
      'greetingName',
      'language',
      'openingHours.mon.0.closes',
      'openingHours.tue.1.opens',
      'openingHours.wed.0.opens',
    ];
    const created = await call('POST', `/companies/${companyId}/branches`, newBranch('passau', bad));
    expect(created).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(issuePaths(created.body)).toEqual(expectedPaths);
    const before = await db.dataSource.query('SELECT * FROM branches WHERE id = $1', [branchId]);
    const changed = await call('PATCH', `/branches/${branchId}`, bad);
    expect(changed.status).toBe(400);
    expect(issuePaths(changed.body)).toEqual(expectedPaths);
    expect(await call('PATCH', `/branches/${branchId}`, { language: 'Deutsch' })).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'language', message: expect.stringMatching(/BCP 47/) }] },
    });
    expect(await db.dataSource.query('SELECT * FROM branches WHERE id = $1', [branchId])).toEqual(before);
    expect(await db.dataSource.query("SELECT count(*)::int AS n FROM branches WHERE slug = 'passau'")).toEqual([
      { n: 0 },
    ]);
  });
});
