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
      counts: { reseller: 1, company: 2, branch: 2, service: 3, phone_number: 3, staff: 1 },
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
    expect(outbox).toHaveLength(2 * 12);
    const value = outbox[0]!.value as Buffer;
    expect(readSchemaId(value)).toBeGreaterThan(0);
    expect(JSON.parse((outbox[1]!.value as Buffer).subarray(5).toString())).toMatchObject({
      entity: 'company',
      slug: 'salon-haarmonie',
    });
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

  it("when a reseller owns a company and a number is imported from Twilio, then tenants.yaml's reseller, currencies and number kinds reach the directory events and the call path", async () => {
    await importFile(good);
    const published = (
      await rows("SELECT value FROM outbox WHERE topic = 'tenants.directory.v1' ORDER BY id DESC LIMIT 12")
    ).map((r) => DirectoryEntityChangedV1Schema.parse(JSON.parse((r.value as Buffer).subarray(5).toString())));
    const [reseller] = await rows("SELECT id, version FROM resellers WHERE slug = 'agentur-mitte'");
    const entity = (kind: string, key: string, value: string) =>
      published.find((e) => e.entity === kind && (e as Record<string, unknown>)[key] === value);
    expect(entity('reseller', 'slug', 'agentur-mitte')).toEqual({
      entity: 'reseller',
      id: reseller!.id,
      active: true,
      changedAt: '2026-11-24T10:00:00.000Z',
      version: Number(reseller!.version),
      slug: 'agentur-mitte',
      name: 'Agentur Mitte',
      billingCurrency: 'EUR',
    });
    expect(entity('company', 'slug', 'praxis-brandt')).toMatchObject({
      resellerId: reseller!.id,
      billingCurrency: 'EUR',
    });
    expect(entity('company', 'slug', 'salon-haarmonie')).toMatchObject({ resellerId: null, billingCurrency: 'EUR' });
    expect(entity('phone_number', 'number', '+493412240870')).toMatchObject({
      numberKind: 'twilio_imported',
      numberType: 'local',
    });
    expect(entity('phone_number', 'number', '+4922198765430')).toMatchObject({
      numberKind: 'retell',
      numberType: null,
    });
    const directory = await typeormTransactions(db.dataSource)(loadDirectory);
    expect(directory.route('+493412240870')?.line).toEqual({ numberKind: 'twilio_imported', numberType: 'local' });
    expect(directory.route('+4922198765431')?.line).toEqual({ numberKind: 'retell', numberType: null });

    // a company that no longer names a reseller buys from the platform again; a currency changes
    const file = parse(good) as { resellers: { billingCurrency: string }[]; companies: { reseller?: string }[] };
    delete file.companies[1]!.reseller;
    file.resellers[0]!.billingCurrency = 'CHF';
    expect(await importFile(stringify(file))).toMatchObject({ kind: 'imported' });
    expect(await rows("SELECT reseller_id FROM companies WHERE slug = 'praxis-brandt'")).toEqual([
      { reseller_id: null },
    ]);
    expect(await rows("SELECT billing_currency FROM resellers WHERE slug = 'agentur-mitte'")).toEqual([
      { billing_currency: 'CHF' },
    ]);
    await importFile(good);
  });

  it('when a company names a reseller the file does not declare, then nothing changes and the problem names it', async () => {
    const before = await rows('SELECT slug, reseller_id FROM companies ORDER BY slug');
    const outboxBefore = await count('outbox');
    const result = await importFile(good.replace('reseller: agentur-mitte', 'reseller: agentur-nord'));
    expect(result).toEqual({
      kind: 'invalid',
      problems: [
        expect.objectContaining({
          path: 'companies[1].reseller',
          message: 'reseller "agentur-nord" is not declared under resellers',
        }),
      ],
    });
    expect(await rows('SELECT slug, reseller_id FROM companies ORDER BY slug')).toEqual(before);
    expect(await count('outbox')).toBe(outboxBefore);
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
