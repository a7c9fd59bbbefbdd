import type { ApiHarness } from './cost-api.test-support';
import { startApiHarness } from './cost-api.test-support';
import { seedCosting } from './ledger-seed.test-support';
import { IDS, seedCalls, seedDirectory } from './report-data.test-support';

/** Integration: one call's cost breakdown over HTTP, from ledger entries seeded with SQL. */
let api: ApiHarness;
let resellerToken: string;

beforeAll(async () => {
  api = await startApiHarness(() => ({ kind: 'unknown_call' }));
  await seedDirectory(api);
  await seedCalls(api);
  await seedCosting(api, 'call-p1', {
    status: 'pending',
    reason: 'rate',
    waitingFor: 'USD 2024-08-01',
    since: '2024-08-01T08:00:00Z',
  });
  resellerToken = (await api.request('POST', `/admin/resellers/${IDS.r1}/tokens`, { body: { label: 'breakdown' } }))
    .body.token;
});
afterAll(() => api.close());

describe('GET /calls/:callId/cost', () => {
  it('when a call was adjusted after its costing, then every entry shows and each line sums both revisions', async () => {
    const answer = await api.request('GET', '/calls/call-a3/cost');
    expect(answer.status).toBe(200);
    expect(answer.body.costing).toEqual({ status: 'costed', revision: 2 });
    expect(answer.body.entries).toHaveLength(10);
    expect(answer.body.entries[7]).toMatchObject({
      revision: 2,
      cause: 'late_fact',
      kind: 'confirmed_bookings',
      amount: '1',
    });
    expect(answer.body.entries[2]).toMatchObject({
      revision: 1,
      kind: 'base_cost',
      component: 'llm',
      currency: 'USD',
      amount: '0.0802875',
      amountEur: '0.075',
      rate: { rateDate: '2024-06-15', usdPerEur: '1.0705' },
    });
    const line = (kind: string, component: string) =>
      answer.body.lines.find((l: { kind: string; component: string }) => l.kind === kind && l.component === component);
    expect(line('retail', 'usage')).toEqual({
      kind: 'retail',
      component: 'usage',
      currency: 'EUR',
      amount: '0.25',
      amountEur: '0.25',
    });
    expect(line('retail', 'booking_fees')).toMatchObject({ amountEur: '0.05' });
    expect(line('reseller_profit', '')).toMatchObject({ amount: '0.15', amountEur: '0.15' });
    expect(line('confirmed_bookings', '')).toMatchObject({ amount: '1' });
  });

  it("when a reseller asks for its company's call, then it sees its lines only; another reseller's call is not found", async () => {
    const own = await api.request('GET', '/calls/call-a3/cost', { token: resellerToken });
    expect(own.status).toBe(200);
    const kinds = new Set(own.body.entries.map((e: { kind: string }) => e.kind));
    expect(kinds.has('base_cost') || kinds.has('platform_profit')).toBe(false);
    expect(kinds.has('retail')).toBe(true);
    expect((await api.request('GET', '/calls/call-c1/cost', { token: resellerToken })).status).toBe(404);
    expect((await api.request('GET', '/calls/call-b1/cost', { token: resellerToken })).status).toBe(404);
  });

  it('when the call waits for a rate, then its state says so and since when, with no entries yet', async () => {
    expect(await api.request('GET', '/calls/call-p1/cost')).toMatchObject({
      status: 200,
      body: {
        costing: { status: 'pending', reason: 'rate', waitingFor: 'USD 2024-08-01', since: '2024-08-01T08:00:00.000Z' },
        entries: [],
        lines: [],
      },
    });
  });

  it('when the call is unknown, then 404', async () => {
    expect(await api.request('GET', '/calls/no-such-call/cost')).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
  });
});
