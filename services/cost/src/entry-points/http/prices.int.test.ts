import type { ApiHarness } from './cost-api.test-support';
import { startApiHarness } from './cost-api.test-support';
import { IDS, seedDirectory } from './report-data.test-support';

/** Integration: plans and Twilio rates over HTTP: validation, effective dates, overlaps (also racing), resellers' rights. */
let api: ApiHarness;
let northToken: string;

beforeAll(async () => {
  api = await startApiHarness(() => ({ kind: 'unknown_call' }));
  await seedDirectory(api);
  northToken = (await api.request('POST', `/admin/resellers/${IDS.r1}/tokens`, { body: { label: 'prices' } })).body
    .token;
});
afterAll(() => api.close());

const plan = (overrides: Record<string, unknown> = {}) => ({
  seller: 'platform',
  buyer: { kind: 'company', companyId: IDS.b },
  currency: 'EUR',
  unit: 'per_started_minute',
  pricePerUnit: '0.15',
  minimumPerConnectedCall: '0.10',
  feePerConfirmedBooking: '0.50',
  monthlyFee: '29.00',
  includedMinutes: 100,
  validFrom: '2024-01-01T00:00:00+01:00',
  validUntil: null,
  ...overrides,
});
const post = (body: unknown, token?: string) => api.request('POST', '/plans', { body, token });
const ids = (answer: { body: { items: { id: string }[] } }) => answer.body.items.map((p) => p.id).sort();

describe('plans', () => {
  it('when a plan is wrong in many ways, then 400 names every problem and nothing is stored', async () => {
    const before = api.pricesChanged.count;
    const answer = await post({
      ...plan({ seller: 'somebody', currency: 'eur', unit: 'per_hour', pricePerUnit: 0.15, includedMinutes: -1 }),
      buyer: { kind: 'company' },
      validFrom: '2024-07-01',
      id: 'plan-1',
    });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid' } });
    const fields = answer.body.problems.map((p: string) => p.split(':')[0]);
    expect(fields).toEqual(
      expect.arrayContaining([
        'id',
        'seller',
        'buyer.companyId',
        'currency',
        'unit',
        'pricePerUnit',
        'includedMinutes',
        'validFrom',
      ]),
    );
    const backwards = await post(plan({ validFrom: '2024-07-01T00:00:00Z', validUntil: '2024-06-01T00:00:00Z' }));
    expect(backwards).toMatchObject({ status: 400, body: { problems: ['validUntil: must be after validFrom'] } });
    expect(await api.sql('SELECT id FROM plans')).toEqual([]);
    expect(api.pricesChanged.count).toBe(before);
  });

  it('when a plan overlaps one of the same seller and buyer, then 409 until the first is ended', async () => {
    const first = await post(plan());
    expect(first).toMatchObject({
      status: 201,
      body: { pricePerUnit: '0.15', validUntil: null, createdBy: 'operator' },
    });
    const changed = api.pricesChanged.count;
    const second = plan({ pricePerUnit: '0.17', validFrom: '2024-06-01T00:00:00+02:00' });
    expect(await post(second)).toMatchObject({ status: 409, body: { error: 'overlap', conflicting: [first.body.id] } });
    expect(await post(plan({ buyer: { kind: 'default' } }))).toMatchObject({ status: 201 });
    const end = (validUntil: string) => api.request('POST', `/plans/${first.body.id}/end`, { body: { validUntil } });
    expect(await end('2024-06-01T00:00:00+02:00')).toMatchObject({
      status: 200,
      body: { id: first.body.id, validUntil: '2024-05-31T22:00:00.000Z' },
    });
    expect(await post(second)).toMatchObject({ status: 201, body: { pricePerUnit: '0.17' } });
    expect(api.pricesChanged.count).toBe(changed + 3);
    expect(await end('2024-06-01T00:00:00+02:00')).toMatchObject({ status: 200 });
    expect((await end('2024-07-01T00:00:00Z')).body.problems).toEqual([
      expect.stringMatching(/can only be brought forward/),
    ]);
    expect(api.pricesChanged.count).toBe(changed + 3);
  });

  it('when the same plan is posted twice with its id, then it is stored once', async () => {
    const id = '00000000-0000-4000-8000-00000000e001';
    const body = plan({ id, buyer: { kind: 'company', companyId: IDS.c } });
    expect((await post(body)).status).toBe(201);
    expect(await post(body)).toMatchObject({ status: 409, body: { error: 'already_exists', id } });
  });

  it('when two overlapping plans for one pair are posted at the same moment, then exactly one is stored', async () => {
    for (let round = 0; round < 5; round++) {
      const buyer = { kind: 'reseller', resellerId: `00000000-0000-4000-8000-00000000f00${round}` };
      const answers = await Promise.all([
        post(plan({ buyer, validFrom: '2024-01-01T00:00:00Z' })),
        post(plan({ buyer, validFrom: '2024-03-01T00:00:00Z' })),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const stored = await api.sql('SELECT id FROM plans WHERE buyer_id = $1', [buyer.resellerId]);
      expect(stored).toHaveLength(1);
    }
  });
});

describe('plans and resellers', () => {
  const retail = (overrides: Record<string, unknown> = {}) =>
    plan({
      seller: IDS.r1,
      buyer: { kind: 'company', companyId: IDS.a },
      validFrom: '2024-02-01T00:00:00Z',
      ...overrides,
    });

  it('when a reseller sells to its own company, then the plan is stored under its name', async () => {
    const answer = await post(retail(), northToken);
    expect(answer).toMatchObject({
      status: 201,
      body: { seller: IDS.r1, createdBy: expect.stringMatching(/^reseller:/) },
    });
  });

  it("when a reseller sells to another reseller's company or an unknown one, then 404", async () => {
    for (const companyId of [IDS.c, IDS.b, '00000000-0000-4000-8000-000000000999'])
      expect(await post(retail({ buyer: { kind: 'company', companyId } }), northToken)).toMatchObject({ status: 404 });
  });

  it('when a reseller tries a wholesale plan or to sell as someone else, then 403 (or 400 for a reseller selling to a reseller)', async () => {
    const wholesale = plan({ buyer: { kind: 'reseller', resellerId: IDS.r1 } });
    expect(await post(wholesale, northToken)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await post(retail({ seller: IDS.r2 }), northToken)).toMatchObject({ status: 403 });
    expect(await post(retail({ buyer: { kind: 'reseller', resellerId: IDS.r2 } }), northToken)).toMatchObject({
      status: 400,
    });
  });

  it('when a reseller lists plans, then it sees its own, its wholesale and the default plans, and ends only its own', async () => {
    const wholesale = await post(
      plan({ buyer: { kind: 'reseller', resellerId: IDS.r1 }, validFrom: '2023-01-01T00:00:00Z' }),
    );
    const own = await post(retail({ buyer: { kind: 'default' } }), northToken);
    const operatorView = await api.request('GET', '/plans');
    const visible = operatorView.body.items.filter(
      (p: { seller: string; buyer: { kind: string; resellerId?: string } }) =>
        p.seller === IDS.r1 ||
        (p.seller === 'platform' && (p.buyer.kind === 'default' || p.buyer.resellerId === IDS.r1)),
    );
    const resellerView = await api.request('GET', '/plans', { token: northToken });
    expect(ids(resellerView)).toEqual(visible.map((p: { id: string }) => p.id).sort());
    expect(ids(resellerView)).toEqual(expect.arrayContaining([wholesale.body.id, own.body.id]));
    expect(resellerView.body.items.length).toBeLessThan(operatorView.body.items.length);
    const end = (id: string) =>
      api.request('POST', `/plans/${id}/end`, { token: northToken, body: { validUntil: '2024-09-01T00:00:00Z' } });
    expect((await end(wholesale.body.id)).status).toBe(403);
    const foreign = operatorView.body.items.find((p: { buyer: { companyId?: string } }) => p.buyer.companyId === IDS.b);
    expect((await end(foreign.id)).status).toBe(404);
    expect(await end(own.body.id)).toMatchObject({ status: 200, body: { validUntil: '2024-09-01T00:00:00.000Z' } });
  });

  it('when plans are filtered by seller and buyer, then only those come back; a malformed filter is 400', async () => {
    const answer = await api.request('GET', `/plans?seller=platform&buyer=${IDS.b}`);
    expect(answer.body.items.map((p: { validFrom: string }) => p.validFrom)).toEqual([
      '2023-12-31T23:00:00.000Z',
      '2024-05-31T22:00:00.000Z',
    ]);
    expect(
      (await api.request('GET', '/plans?buyer=default')).body.items.every(
        (p: { buyer: { kind: string } }) => p.buyer.kind === 'default',
      ),
    ).toBe(true);
    expect(await api.request('GET', '/plans?seller=nobody&buyer=x')).toMatchObject({ status: 400 });
  });
});

describe('Twilio rates', () => {
  const rate = (overrides: Record<string, unknown> = {}) => ({
    direction: 'inbound',
    numberType: 'local',
    usdPerMinute: '0.0085',
    validFrom: '2024-01-01T00:00:00Z',
    validUntil: null,
    ...overrides,
  });
  const postRate = (body: unknown) => api.request('POST', '/twilio-rates', { body });

  it('when rates are posted, then they are validated, effective-dated and never overlap per direction and number type', async () => {
    const first = await postRate(rate());
    expect(first).toMatchObject({ status: 201, body: { usdPerMinute: '0.0085', unit: 'per_started_minute' } });
    expect(await postRate(rate({ validFrom: '2024-05-01T00:00:00Z' }))).toMatchObject({
      status: 409,
      body: { conflicting: [first.body.id] },
    });
    expect(await postRate(rate({ numberType: 'mobile' }))).toMatchObject({ status: 201 });
    const invalid = await postRate(rate({ direction: 'sideways', usdPerMinute: '-1' }));
    expect(invalid.body.problems.map((p: string) => p.split(':')[0])).toEqual(['direction', 'usdPerMinute']);
    const ended = await api.request('POST', `/twilio-rates/${first.body.id}/end`, {
      body: { validUntil: '2024-05-01T00:00:00Z' },
    });
    expect(ended).toMatchObject({ status: 200, body: { validUntil: '2024-05-01T00:00:00.000Z' } });
    expect(await postRate(rate({ validFrom: '2024-05-01T00:00:00Z', usdPerMinute: '0.0090' }))).toMatchObject({
      status: 201,
    });
    const listed = await api.request('GET', '/twilio-rates?direction=inbound&numberType=local');
    expect(listed.body.items.map((r: { usdPerMinute: string }) => r.usdPerMinute)).toEqual(['0.0085', '0.009']);
  });

  it('when two overlapping rates are posted at the same moment, then exactly one is stored', async () => {
    for (let year = 2030; year < 2035; year++) {
      const answers = await Promise.all([
        postRate(
          rate({ direction: 'outbound', validFrom: `${year}-01-01T00:00:00Z`, validUntil: `${year}-07-01T00:00:00Z` }),
        ),
        postRate(
          rate({ direction: 'outbound', validFrom: `${year}-03-01T00:00:00Z`, validUntil: `${year}-09-01T00:00:00Z` }),
        ),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    }
  });
});
