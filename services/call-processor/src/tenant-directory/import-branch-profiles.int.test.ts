import { REPO_ROOT } from '../../../../test/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import { DirectoryEntityChangedV1Schema, frameJson, registerValueSchema } from '@rb/contracts';
import { typeormTransactions } from '@rb/kafka-runner';
import { testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { MIGRATIONS } from '../infra/db/data-source';
import { createTestDatabase } from '../../../../test/support/postgres';
import { snapshot } from './directory-snapshots';
import { makeImportTenantsFile } from './import-tenants-file';
import { readTenantsFile } from './tenants-file';

/** Integration: tenants.yaml's branch profiles through the real PostgreSQL and schema registry to the directory events. */
const good = readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8');
const CHANGED_AT = '2026-11-24T10:00:00.000Z';
const PROFILE = ['address', 'openingHours', 'language', 'agentOverride', 'greetingName'] as const;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let importFile: ReturnType<typeof makeImportTenantsFile>;

beforeAll(async () => {
  db = await createTestDatabase('call_processor', MIGRATIONS);
  const schemaId = await registerValueSchema(
    testRegistryUrl(),
    uniqueName('it.directory'),
    DirectoryEntityChangedV1Schema,
  );
  importFile = makeImportTenantsFile({
    transactions: typeormTransactions(db.dataSource),
    encode: (event) => frameJson(schemaId, Buffer.from(JSON.stringify(DirectoryEntityChangedV1Schema.parse(event)))),
    clock: () => new Date(CHANGED_AT),
    source: '/test',
  });
});
afterAll(() => db.drop());

type Branch = Extract<DirectoryEntityChangedV1, { entity: 'branch' }>;
/** The branch events of the last import, by slug, read back from the outbox through the contract. */
async function publishedBranches(): Promise<Map<string, Branch>> {
  const rows = (await db.dataSource.query(
    "SELECT value FROM outbox WHERE topic = 'tenants.directory.v1' ORDER BY id DESC LIMIT 12",
  )) as { value: Buffer }[];
  const events = rows.map((r) => DirectoryEntityChangedV1Schema.parse(JSON.parse(r.value.subarray(5).toString())));
  const branches = events.filter((e): e is Branch => e.entity === 'branch').reverse();
  return new Map(branches.map((b) => [b.slug, b]));
}
const pick = (branch: object) => Object.fromEntries(PROFILE.map((f) => [f, (branch as Record<string, unknown>)[f]]));

describe('importing tenants.yaml: what the phone agent needs of a branch', () => {
  it("when each branch declares its profile, then every field reaches its directory event as written, and the event is the branch's state in the database", async () => {
    expect(await importFile(good)).toMatchObject({ kind: 'imported' });
    const read = readTenantsFile(good);
    if (read.kind !== 'valid') throw new Error('the example file is invalid');
    const published = await publishedBranches();
    const [salon, praxis] = [published.get('koeln-mitte')!, published.get('leipzig')!];
    expect(pick(salon)).toEqual(pick(read.file.companies[0]!.branches[0]!));
    expect(pick(praxis)).toEqual(pick(read.file.companies[1]!.branches[0]!));
    expect(praxis.agentOverride).toEqual({ agentId: 'agent_8ed7f033dc20e357b87e2a81eb', agentVersion: 12 });
    expect(salon.openingHours?.thu).toEqual([{ opens: '09:00', closes: '20:00' }]);
    // what the admin API publishes after a change (read from the row) is what the import published
    // (offered services as a set: the import lists them in the file's order, the row by id)
    for (const branch of [salon, praxis]) {
      const state = (await typeormTransactions(db.dataSource)((sql) =>
        snapshot(sql, 'branch', branch.id, CHANGED_AT),
      )) as Branch;
      const serviceIds = [...branch.serviceIds].sort();
      expect({ ...state, serviceIds: [...state.serviceIds].sort() }).toEqual({ ...branch, serviceIds });
      expect(Object.keys(state.openingHours!)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    }
  });

  it('when the file no longer declares a profile, or changes one, then the next import publishes it as the file says', async () => {
    type FileBranch = Record<string, unknown>;
    const file = parse(good) as { companies: { branches: FileBranch[] }[] };
    const salon = file.companies[0]!.branches[0]!;
    const praxis = file.companies[1]!.branches[0]!;
    for (const field of PROFILE) delete praxis[field];
    Object.assign(salon, {
      language: 'en-GB',
      agentOverride: { agentId: 'agent_5231bd025419e3633ce81dd0ee' },
      openingHours: { sat: [{ opens: '10:00', closes: '16:00' }] },
    });
    expect(await importFile(stringify(file))).toMatchObject({ kind: 'imported' });
    const published = await publishedBranches();
    expect(pick(published.get('leipzig')!)).toEqual({
      address: null,
      openingHours: null,
      language: 'de-DE',
      agentOverride: null,
      greetingName: null,
    });
    expect(published.get('koeln-mitte')).toMatchObject({
      language: 'en-GB',
      agentOverride: { agentId: 'agent_5231bd025419e3633ce81dd0ee' },
      openingHours: { mon: [], tue: [], sat: [{ opens: '10:00', closes: '16:00' }], sun: [] },
      greetingName: 'Salon Haarmonie am Alten Markt',
    });
    expect(
      await db.dataSource.query(
        "SELECT address_street, opening_hours, override_agent_id, override_agent_version, greeting_name FROM branches WHERE slug = 'leipzig'",
      ),
    ).toEqual([
      {
        address_street: null,
        opening_hours: null,
        override_agent_id: null,
        override_agent_version: null,
        greeting_name: null,
      },
    ]);
    await importFile(good);
  });

  it('when a branch has hours that overlap, a language or an agent id the agent cannot use, then nothing changes and each problem names its field', async () => {
    const before = await db.dataSource.query(
      'SELECT slug, opening_hours, language, override_agent_id, version FROM branches ORDER BY slug',
    );
    const outboxBefore = await db.dataSource.query('SELECT count(*)::int AS n FROM outbox');
    const broken = good
      .replace(
        "fri: [{ opens: '08:00', closes: '12:00' }]",
        "fri: [{ opens: '08:00', closes: '12:00' }, { opens: '11:00', closes: '13:00' }]",
      )
      .replace('language: de-DE', 'language: Deutsch')
      .replace('agentId: agent_8ed7f033dc20e357b87e2a81eb', 'agentId: agent-8ed7f033');
    const result = await importFile(broken);
    expect(result.kind === 'invalid' && result.problems.map((p) => [p.path, p.message])).toEqual([
      ['companies[0].branches[0].language', expect.stringMatching(/German or English/)],
      ['companies[1].branches[0].openingHours.fri[1].opens', expect.stringMatching(/^opens \(11:00\) before/)],
      ['companies[1].branches[0].agentOverride.agentId', expect.stringMatching(/Retell agent id/)],
    ]);
    expect(
      await db.dataSource.query(
        'SELECT slug, opening_hours, language, override_agent_id, version FROM branches ORDER BY slug',
      ),
    ).toEqual(before);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM outbox')).toEqual(outboxBefore);
  });

  it('when a row would hold half an address, an agent version without an agent, or a language of another form, then the database refuses it', async () => {
    await importFile(good);
    for (const change of [
      'address_city = NULL',
      'override_agent_id = NULL, override_agent_version = 3',
      "language = 'deutsch'",
      "opening_hours = '[]'",
      "greeting_name = ''",
    ])
      await expect(db.dataSource.query(`UPDATE branches SET ${change} WHERE slug = 'leipzig'`)).rejects.toThrow(
        /check constraint/,
      );
  });
});
