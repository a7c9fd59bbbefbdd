import { CUSTOMER_LOOKUP_ROUTE, CustomerLookupAnswerSchema } from '@rb/contracts';
import { createTopic, uniqueName } from '../../../../test/support/kafka';
import { callProcessorConfig, createCallProcessorDatabase } from '../../test/call-processor-harness';
import type { RunningCallProcessor } from '../service';
import { startCallProcessor } from '../service';

/**
 * Integration: who is calling? — call-processor's internal query API as the service wires it,
 * over HTTP against the real PostgreSQL.
 */
const TOKEN = 'query-token-0123456789abcdef';
const OTHER_TOKEN = 'query-token-rotated-0123456789';
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
let service: RunningCallProcessor;
let salon: string;
let praxis: string;

/** call-processor on the test database, consuming an empty topic of its own. */
async function start(env: Record<string, string>): Promise<RunningCallProcessor> {
  const retell = uniqueName('it.retell-events');
  await createTopic(retell);
  return startCallProcessor(callProcessorConfig(db.url, env), {
    topics: {
      retell,
      lifecycle: uniqueName('it.lifecycle'),
      intents: uniqueName('it.intents'),
      directory: uniqueName('it.directory'),
    },
  });
}

beforeAll(async () => {
  db = await createCallProcessorDatabase();
  const companies = (await db.dataSource.query('SELECT id, slug FROM companies')) as { id: string; slug: string }[];
  salon = companies.find((c) => c.slug === 'salon-haarmonie')!.id;
  praxis = companies.find((c) => c.slug === 'praxis-brandt')!.id;
  await db.dataSource.query(
    `INSERT INTO customers (company_id, phone, name) VALUES
       ($1, '+4917612345678', 'Sabine Krüger'), ($1, '+4917611112222', NULL), ($2, '+4915199998888', 'Jonas Weber')`,
    [salon, praxis],
  );
  service = await start({ QUERY_TOKENS: `${TOKEN}, ${OTHER_TOKEN}`, DATABASE_QUERY_POOL_SIZE: '3' });
});
afterAll(async () => {
  await service?.stop();
  await db.drop();
});

/** The lookup with `token` as bearer (null: no authorization header). */
async function lookup(query: Record<string, string>, token: string | null = TOKEN, base = service.url) {
  const response = await fetch(`${base}${CUSTOMER_LOOKUP_ROUTE}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(query),
  });
  return {
    status: response.status,
    body: (await response.json()) as unknown,
    cache: response.headers.get('cache-control'),
  };
}

/** The lookups counted so far, by outcome, and how many were timed. */
async function counted(): Promise<{ outcomes: Record<string, number>; timed: number }> {
  const counter = await service.registry.getSingleMetric('call_processor_customer_lookups_total')!.get();
  const histogram = await service.registry.getSingleMetric('call_processor_customer_lookup_duration_seconds')!.get();
  return {
    outcomes: Object.fromEntries(counter.values.map((v) => [String(v.labels.outcome), v.value])),
    timed: histogram.values.find((v) => v.labels.le === '+Inf')?.value ?? 0,
  };
}

/** The query API's connections to the test database: server process id and last statement. */
async function queryConnections(): Promise<{ pid: number; query: string }[]> {
  return (await db.dataSource.query(
    `SELECT pid, query FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'call-processor-queries' ORDER BY pid`,
  )) as { pid: number; query: string }[];
}

describe('POST /internal/customers (who is calling?)', () => {
  it('when the number is a customer of the company with a name, then 200 known with the name, not to be cached', async () => {
    const answer = await lookup({ companyId: salon, phone: '+4917612345678' });
    expect(answer).toEqual({ status: 200, body: { kind: 'known', name: 'Sabine Krüger' }, cache: 'no-store' });
    expect(CustomerLookupAnswerSchema.parse(answer.body)).toEqual(answer.body);
  });

  it('when the number is a customer whose calls told no name yet, then 200 known with a null name', async () => {
    expect(await lookup({ companyId: salon, phone: '+4917611112222' })).toMatchObject({
      status: 200,
      body: { kind: 'known', name: null },
    });
  });

  it('when the number never called the company, then 200 unknown', async () => {
    expect(await lookup({ companyId: salon, phone: '+4930123456789' })).toMatchObject({
      status: 200,
      body: { kind: 'unknown' },
    });
  });

  it("when the number is another company's customer, then it is unknown to this one", async () => {
    expect(await lookup({ companyId: salon, phone: '+4915199998888' })).toMatchObject({ body: { kind: 'unknown' } });
    expect(await lookup({ companyId: praxis, phone: '+4915199998888' })).toMatchObject({
      body: { kind: 'known', name: 'Jonas Weber' },
    });
  });

  it('when the second of the rotated tokens is given, then it is answered too', async () => {
    expect(await lookup({ companyId: salon, phone: '+4917612345678' }, OTHER_TOKEN)).toMatchObject({ status: 200 });
  });

  it('when the token is missing or wrong, then 401 and nothing is looked up', async () => {
    const before = await counted();
    const query = { companyId: salon, phone: '+4917612345678' };
    expect(await lookup(query, null)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await lookup(query, 'wrong-token-0123456789abcdefgh')).toMatchObject({ status: 401 });
    expect(await lookup(query, 'query-token-0123456789abcdef-admin')).toMatchObject({ status: 401 });
    expect(await counted()).toEqual(before);
  });

  it('when the phone is not E.164 or the company no uuid, then 400 invalid_query naming each value, counted as invalid', async () => {
    const before = await counted();
    expect(await lookup({ companyId: salon, phone: '0176 12345678' })).toEqual({
      status: 400,
      body: { error: 'invalid_query', issues: [{ path: 'phone', message: 'expected an E.164 number' }] },
      cache: null,
    });
    const answer = await lookup({ companyId: 'salon', phone: '+4917612345678' });
    expect(answer).toMatchObject({ status: 400, body: { issues: [{ path: 'companyId' }] } });
    expect(await lookup({ companyId: salon })).toMatchObject({ status: 400, body: { issues: [{ path: 'phone' }] } });
    const after = await counted();
    expect((after.outcomes.invalid ?? 0) - (before.outcomes.invalid ?? 0)).toBe(3);
    expect(after.timed).toBe(before.timed);
  });

  it('when lookups are answered, then they are counted by outcome and timed', async () => {
    const before = await counted();
    await lookup({ companyId: salon, phone: '+4917612345678' });
    await lookup({ companyId: salon, phone: '+4930123456789' });
    await lookup({ companyId: salon, phone: '+4930123456789' });
    const after = await counted();
    expect((after.outcomes.known ?? 0) - (before.outcomes.known ?? 0)).toBe(1);
    expect((after.outcomes.unknown ?? 0) - (before.outcomes.unknown ?? 0)).toBe(2);
    expect(after.timed - before.timed).toBe(3);
  });

  it('when many lookups come at once, then they use the connections opened at start and set up none', async () => {
    const opened = (await queryConnections()).map((c) => c.pid);
    expect(opened).toHaveLength(3);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => lookup({ companyId: salon, phone: `+49176000000${10 + i}` })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = await queryConnections();
    expect(after.map((c) => c.pid)).toEqual(opened);
    expect(after.some((c) => c.query.includes('FROM customers'))).toBe(true);
  });

  it('when QUERY_TOKENS is unset, then there is no internal route (404) and no query connection', async () => {
    const without = await start({});
    try {
      expect(await lookup({ companyId: salon, phone: '+4917612345678' }, TOKEN, without.url)).toMatchObject({
        status: 404,
        body: { error: 'not_found' },
      });
      // the other service's three are the only ones
      expect(await queryConnections()).toHaveLength(3);
    } finally {
      await without.stop();
    }
  });
});
