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

/** Integration: the admin API over HTTP against the real PostgreSQL. */
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
    encode: (e: unknown) => frameJson(schemaId, Buffer.from(JSON.stringify(e))),
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

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { id: string } };
}

describe('the directory admin API', () => {
  let companyId: string;
  let serviceId: string;
  let branchId: string;

  it('when the token is wrong, then 401 and nothing changes', async () => {
    expect((await call('POST', '/companies', { slug: 'x', name: 'X' }, 'wrong-token-0123456789abcdefgh')).status).toBe(
      401,
    );
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM companies')).toEqual([{ n: 0 }]);
  });

  it('when a company, a service, a branch and a number are created, then each answers 201 with its state and is published', async () => {
    const company = await call('POST', '/companies', { slug: 'werkstatt-koch', name: 'Werkstatt Koch' });
    expect(company).toMatchObject({ status: 201, body: { entity: 'company', slug: 'werkstatt-koch', active: true } });
    companyId = company.body.id;
    const service = await call('POST', `/companies/${companyId}/services`, {
      slug: 'inspektion',
      name: 'Inspektion',
      calcomEventTypeId: 3301,
      durationMinutes: 120,
    });
    expect(service).toMatchObject({
      status: 201,
      body: { entity: 'service', companyId, synonyms: [], priceMinor: null },
    });
    serviceId = service.body.id;
    const branch = await call('POST', `/companies/${companyId}/branches`, {
      slug: 'muenchen',
      name: 'München',
      timeZone: 'Europe/Berlin',
      serviceIds: [serviceId],
      defaultServiceId: serviceId,
    });
    expect(branch).toMatchObject({
      status: 201,
      body: { entity: 'branch', serviceIds: [serviceId], workingDays: [1, 2, 3, 4, 5] },
    });
    branchId = branch.body.id;
    const number = await call('POST', `/branches/${branchId}/phone-numbers`, { number: '089 1234567' });
    expect(number).toMatchObject({
      status: 201,
      body: { entity: 'phone_number', number: '+49891234567', companyId, branchId },
    });
    const published = (await db.dataSource.query(
      "SELECT count(*)::int AS n FROM outbox WHERE topic = 'tenants.directory.v1'",
    )) as { n: number }[];
    expect(published).toEqual([{ n: 4 }]);
  });

  it('when the body is wrong, then 400 names every field', async () => {
    const result = await call('POST', `/companies/${companyId}/branches`, {
      slug: 'Berlin!',
      name: '',
      timeZone: 'Mars/Olympus',
      serviceIds: [],
      defaultServiceId: 'x',
    });
    expect(result.status).toBe(400);
    expect((result.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'defaultServiceId',
      'name',
      'serviceIds',
      'slug',
      'timeZone',
    ]);
    expect((await call('POST', `/branches/${branchId}/phone-numbers`, { number: '12' })).body).toMatchObject({
      error: 'invalid_body',
      issues: [{ path: 'number' }],
    });
  });

  it('when a slug or a number is taken, then 409', async () => {
    expect(await call('POST', '/companies', { slug: 'werkstatt-koch', name: 'Again' })).toMatchObject({
      status: 409,
      body: { error: 'already_exists' },
    });
    expect((await call('POST', `/branches/${branchId}/phone-numbers`, { number: '+49 89 1234567' })).status).toBe(409);
  });

  it("when a branch is given another company's service, or a default it does not offer, then the database refuses it", async () => {
    const other = await call('POST', '/companies', { slug: 'salon-anders', name: 'Salon Anders' });
    const foreign = await call('POST', `/companies/${other.body.id}/services`, {
      slug: 'schnitt',
      name: 'Schnitt',
      calcomEventTypeId: 9,
      durationMinutes: 30,
    });
    const crossed = await call('PATCH', `/branches/${branchId}`, { serviceIds: [serviceId, foreign.body.id] });
    expect(crossed).toMatchObject({ status: 409, body: { error: 'unknown_or_foreign_reference' } });
    const second = await call('POST', `/companies/${companyId}/services`, {
      slug: 'reifenwechsel',
      name: 'Reifenwechsel',
      calcomEventTypeId: 3302,
      durationMinutes: 30,
    });
    const notOffered = await call('PATCH', `/branches/${branchId}`, { defaultServiceId: second.body.id });
    expect(notOffered).toMatchObject({ status: 409, body: { error: 'unknown_or_foreign_reference' } });
    const offered = await call('PATCH', `/branches/${branchId}`, {
      serviceIds: [serviceId, second.body.id],
      defaultServiceId: second.body.id,
    });
    expect(offered).toMatchObject({ status: 200, body: { defaultServiceId: second.body.id } });
  });

  it('when a number is deactivated, then it stays but is inactive; an unknown id is 404', async () => {
    const [row] = (await db.dataSource.query('SELECT id FROM phone_numbers')) as { id: string }[];
    expect(await call('PATCH', `/phone-numbers/${row!.id}`, { active: false })).toMatchObject({
      status: 200,
      body: { active: false },
    });
    expect((await call('PATCH', '/staff/00000000-0000-4000-8000-000000000000', { name: 'Niemand' })).status).toBe(404);
    expect((await call('PATCH', '/staff/not-a-uuid', { name: 'Niemand' })).status).toBe(404);
  });

  it('when a change is refused or a file is invalid, then the body is exactly the code and its details', async () => {
    const text = async (method: string, path: string, body: string, type = 'application/json') => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': type },
        body,
      });
      return { status: response.status, body: await response.text() };
    };
    expect(await text('PATCH', '/staff/not-a-uuid', '{"name":"Niemand"}')).toEqual({
      status: 404,
      body: '{"error":"not_found"}',
    });
    expect(await text('POST', '/companies', '{"slug":"werkstatt-koch","name":"Again"}')).toEqual({
      status: 409,
      body: '{"error":"already_exists","issues":[{"path":"(body)","message":"Key (slug)=(werkstatt-koch) already exists."}]}',
    });
    expect(await text('POST', '/companies', '{"slug":"x"}')).toEqual({
      status: 400,
      body: '{"error":"invalid_body","issues":[{"path":"name","message":"Invalid input: expected string, received undefined"}]}',
    });
    expect(await text('PUT', '/tenants', 'companies: 7', 'text/yaml')).toEqual({
      status: 422,
      body: '{"error":"invalid_tenants_file","problems":[{"line":1,"column":12,"path":"companies","message":"Invalid input: expected array, received number"}]}',
    });
  });

  it("when a company's own analysis field names are set, then they are stored; a field we do not read is 400", async () => {
    const names = { date: ['wunschtag'], handled: ['schon_eingetragen'] };
    expect((await call('PATCH', `/companies/${companyId}`, { analysisFields: names })).status).toBe(200);
    expect(await db.dataSource.query('SELECT analysis_fields FROM companies WHERE id = $1', [companyId])).toEqual([
      { analysis_fields: names },
    ]);
    const wrong = await call('PATCH', `/companies/${companyId}`, { analysisFields: { birthday: ['geburtstag'] } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toMatch(/birthday/);
    // a PATCH without them leaves them as they are
    expect((await call('PATCH', `/companies/${companyId}`, { name: 'Werkstatt Koch & Söhne' })).status).toBe(200);
    expect(await db.dataSource.query('SELECT analysis_fields FROM companies WHERE id = $1', [companyId])).toEqual([
      { analysis_fields: names },
    ]);
  });

  it('when a reseller is created and companies name it by slug, then each answers with its reseller, currency and version and is published', async () => {
    const reseller = await call('POST', '/resellers', {
      slug: 'agentur-sued',
      name: 'Agentur Süd',
      billingCurrency: 'CHF',
    });
    expect(reseller).toMatchObject({
      status: 201,
      body: {
        entity: 'reseller',
        slug: 'agentur-sued',
        name: 'Agentur Süd',
        billingCurrency: 'CHF',
        active: true,
        version: 1,
      },
    });
    const west = await call('POST', '/resellers', { slug: 'agentur-west', name: 'Agentur West' });
    expect(west).toMatchObject({ status: 201, body: { billingCurrency: 'EUR' } });
    const company = await call('POST', '/companies', {
      slug: 'zahnarzt-berg',
      name: 'Zahnarzt Berg',
      reseller: 'agentur-sued',
      billingCurrency: 'CHF',
    });
    expect(company).toMatchObject({
      status: 201,
      body: { entity: 'company', resellerId: reseller.body.id, billingCurrency: 'CHF' },
    });
    expect(await call('PATCH', `/companies/${companyId}`, { reseller: 'agentur-west' })).toMatchObject({
      status: 200,
      body: { resellerId: west.body.id, billingCurrency: 'EUR' },
    });
    expect(await call('PATCH', `/companies/${companyId}`, { reseller: null, billingCurrency: 'USD' })).toMatchObject({
      status: 200,
      body: { resellerId: null, billingCurrency: 'USD' },
    });
    expect(
      await call('PATCH', `/resellers/${reseller.body.id}`, { name: 'Agentur Süd GmbH', active: false }),
    ).toMatchObject({
      status: 200,
      body: { name: 'Agentur Süd GmbH', active: false, version: 2 },
    });
    const published = (await db.dataSource.query(
      "SELECT value FROM outbox WHERE topic = 'tenants.directory.v1' AND key = $1 ORDER BY id",
      [reseller.body.id],
    )) as { value: Buffer }[];
    expect(
      published.map((r) => DirectoryEntityChangedV1Schema.parse(JSON.parse(r.value.subarray(5).toString()))),
    ).toEqual([
      expect.objectContaining({ entity: 'reseller', version: 1, active: true }),
      expect.objectContaining({ entity: 'reseller', version: 2, active: false, name: 'Agentur Süd GmbH' }),
    ]);
  });

  it('when a company names a reseller that does not exist, then 400 names it and nothing changes; a bad reseller body names its fields', async () => {
    const unknown = {
      status: 400,
      body: { error: 'invalid_body', issues: [{ path: 'reseller', message: 'unknown reseller "agentur-nirgends"' }] },
    };
    expect(
      await call('POST', '/companies', { slug: 'praxis-nord', name: 'Praxis Nord', reseller: 'agentur-nirgends' }),
    ).toEqual(unknown);
    expect(await db.dataSource.query("SELECT count(*)::int AS n FROM companies WHERE slug = 'praxis-nord'")).toEqual([
      { n: 0 },
    ]);
    const before = (await db.dataSource.query('SELECT reseller_id, version FROM companies WHERE id = $1', [
      companyId,
    ])) as unknown[];
    expect(await call('PATCH', `/companies/${companyId}`, { reseller: 'agentur-nirgends' })).toEqual(unknown);
    expect(await db.dataSource.query('SELECT reseller_id, version FROM companies WHERE id = $1', [companyId])).toEqual(
      before,
    );
    expect(await call('POST', '/resellers', { slug: 'agentur-sued', name: 'Again' })).toMatchObject({
      status: 409,
      body: { error: 'already_exists' },
    });
    const bad = await call('POST', '/resellers', { slug: 'Agentur!', name: '', billingCurrency: 'euro' });
    expect(bad.status).toBe(400);
    expect((bad.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'billingCurrency',
      'name',
      'slug',
    ]);
    expect((await call('PATCH', '/resellers/00000000-0000-4000-8000-000000000000', { name: 'Niemand' })).status).toBe(
      404,
    );
  });

  it("when a number is added with its kind and type, then they are stored and published; unknown ones are 400; without, it is Retell's", async () => {
    const imported = await call('POST', `/branches/${branchId}/phone-numbers`, {
      number: '089 7654321',
      numberKind: 'twilio_imported',
      numberType: 'local',
    });
    expect(imported).toMatchObject({ status: 201, body: { numberKind: 'twilio_imported', numberType: 'local' } });
    expect(await call('PATCH', `/phone-numbers/${imported.body.id}`, { numberType: 'toll_free' })).toMatchObject({
      status: 200,
      body: { numberKind: 'twilio_imported', numberType: 'toll_free' },
    });
    const wrong = await call('POST', `/branches/${branchId}/phone-numbers`, {
      number: '089 7654322',
      numberKind: 'sip',
      numberType: 'landline',
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['numberKind', 'numberType']);
    expect(await call('POST', `/branches/${branchId}/phone-numbers`, { number: '089 7654323' })).toMatchObject({
      status: 201,
      body: { numberKind: 'retell', numberType: null },
    });
  });
});
