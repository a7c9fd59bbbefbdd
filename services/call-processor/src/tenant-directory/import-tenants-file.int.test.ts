import { REPO_ROOT } from '../../../../test/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DirectoryEntityChangedV1Schema, frameJson, readSchemaId, registerValueSchema } from '@rb/contracts';
import { typeormTransactions } from '@rb/kafka-runner';
import { testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { MIGRATIONS } from '../infra/db/data-source';
import { createTestDatabase } from '../../../../test/support/postgres';
import { loadDirectory } from './directory';
import { makeImportTenantsFile } from './import-tenants-file';

/** Integration: the real PostgreSQL and schema registry. */
const good = readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8');
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
    clock: () => new Date('2026-11-24T10:00:00Z'),
    source: '/test',
  });
});
afterAll(() => db.drop());

const rows = (sql: string, params: unknown[] = []) =>
  db.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
const count = async (table: string) => Number((await rows(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

describe('importing tenants.yaml', () => {
  it('when a valid file is imported twice, then the directory holds it once, numbers in E.164, and each import publishes every entity', async () => {
    const first = await importFile(good);
    const second = await importFile(good);
    expect(first).toEqual({
      kind: 'imported',
      counts: { company: 2, branch: 2, service: 3, phone_number: 3, staff: 1 },
    });
    expect(second).toEqual(first);
    expect([
      await count('companies'),
      await count('services'),
      await count('branches'),
      await count('phone_numbers'),
    ]).toEqual([2, 3, 2, 3]);
    expect((await rows('SELECT number FROM phone_numbers ORDER BY number')).map((r) => r.number)).toEqual([
      '+4922198765430',
      '+4922198765431',
      '+493412240870',
    ]);
    const outbox = await rows(
      "SELECT key, value, headers FROM outbox WHERE topic = 'tenants.directory.v1' ORDER BY id",
    );
    expect(outbox).toHaveLength(2 * 11);
    const value = outbox[0]!.value as Buffer;
    expect(readSchemaId(value)).toBeGreaterThan(0);
    expect(JSON.parse(value.subarray(5).toString())).toMatchObject({ entity: 'company', slug: 'salon-haarmonie' });
    expect(outbox.some((r) => (r.value as Buffer).toString('utf8').includes('Salon Haarmonie'))).toBe(true);
    expect(outbox.every((r) => !/api_?key|secret|token/i.test((r.value as Buffer).toString('utf8')))).toBe(true);
    // the practice's own analysis field names reach the in-memory directory the call path reads
    const directory = await typeormTransactions(db.dataSource)(loadDirectory);
    expect(directory.route('+493412240870')?.analysisFields).toEqual({
      date: ['wunschtag'],
      time: ['wunschzeit'],
      name: ['patient_name'],
    });
    expect(directory.route('+4922198765430')?.analysisFields).toEqual({});
  });

  it('when a number moves to another branch in the file, then it moves and stays unique', async () => {
    const file = parse(good) as { companies: { branches: { phoneNumbers: string[] }[] }[] };
    file.companies[0]!.branches[0]!.phoneNumbers = ['+49 221 98765430'];
    file.companies[1]!.branches[0]!.phoneNumbers.push('0221 98765431');
    const moved = stringify(file);
    expect(await importFile(moved)).toMatchObject({ kind: 'imported' });
    const [row] = await rows(
      'SELECT c.slug FROM phone_numbers p JOIN companies c ON c.id = p.company_id WHERE p.number = $1',
      ['+4922198765431'],
    );
    expect(row).toEqual({ slug: 'praxis-brandt' });
    expect(await count('phone_numbers')).toBe(3);
  });

  it('when the file has problems, then nothing changes and every problem is reported with its line', async () => {
    const before = await rows('SELECT slug, name FROM companies ORDER BY slug');
    const outboxBefore = await count('outbox');
    const broken = good
      .replace('name: Salon Haarmonie', 'name: Salon Neu')
      .replace('calcomEventTypeId: 2201', 'calcomEventTypeId: -1');
    const result = await importFile(broken);
    expect(result).toEqual({
      kind: 'invalid',
      problems: [
        expect.objectContaining({ path: 'companies[1].services[0].calcomEventTypeId', line: expect.any(Number) }),
      ],
    });
    expect(await rows('SELECT slug, name FROM companies ORDER BY slug')).toEqual(before);
    expect(await count('outbox')).toBe(outboxBefore);
  });

  it("when a number of one company is attached to another company's branch, then the database refuses it", async () => {
    const [salon] = await rows("SELECT id FROM companies WHERE slug = 'salon-haarmonie'");
    const [praxisBranch] = await rows(
      "SELECT b.id FROM branches b JOIN companies c ON c.id = b.company_id WHERE c.slug = 'praxis-brandt'",
    );
    await expect(
      rows('INSERT INTO phone_numbers (number, branch_id, company_id) VALUES ($1, $2, $3)', [
        '+4930123456789',
        praxisBranch!.id,
        salon!.id,
      ]),
    ).rejects.toThrow(/foreign key/);
  });

  it('when a branch default service is not offered there, then the database refuses the commit', async () => {
    const [branch] = await rows("SELECT id, company_id FROM branches WHERE slug = 'leipzig'");
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query('DELETE FROM branch_services WHERE branch_id = $1', [branch!.id]);
      }),
    ).rejects.toThrow(/branch_default_service_offered|foreign key/);
  });
});
