import { Exact } from '../../money/exact';
import type { ApiHarness } from './cost-api.test-support';
import { startApiHarness } from './cost-api.test-support';
import type { SeedCall, SeedLine } from './ledger-seed.test-support';
import { seedCosting, seedEntries, seedFacts } from './ledger-seed.test-support';
import { IDS, seedDirectory } from './report-data.test-support';

/** Integration: a company's monthly statement over HTTP, as JSON and CSV, from plans and ledger entries. */
const PLAN_B = '00000000-0000-4000-8000-0000000b0001';
const PLAN_A = '00000000-0000-4000-8000-0000000a0001';
let api: ApiHarness;
let northToken: string;

const plan = (id: string, seller: string, companyId: string, prices: Record<string, unknown>) => ({
  id,
  seller,
  buyer: { kind: 'company', companyId },
  currency: 'EUR',
  unit: 'per_started_minute',
  minimumPerConnectedCall: '0.10',
  feePerConfirmedBooking: '0.50',
  validFrom: '2024-01-01T00:00:00+01:00',
  validUntil: null,
  ...prices,
});

async function call(id: string, companyId: string, startedAt: string, revisions: SeedLine[][]): Promise<void> {
  const seed: SeedCall = {
    callId: id,
    callDay: startedAt.slice(0, 10),
    companyId,
    resellerId: companyId === IDS.a ? IDS.r1 : null,
    retailPlanId: companyId === IDS.a ? PLAN_A : PLAN_B,
    wholesalePlanId: PLAN_B,
  };
  await seedFacts(api, id, { companyId, startedAt });
  for (const [i, lines] of revisions.entries())
    await seedEntries(api, seed, i + 1, i === 0 ? 'costed' : 'late_fact', lines);
}
const retail = (component: string, eur: string): SeedLine => ['retail', component, 'EUR', eur, eur];
const seconds = (n: number): SeedLine => ['connected_seconds', '', '', String(n)];

beforeAll(async () => {
  api = await startApiHarness(() => ({ kind: 'unknown_call' }));
  await seedDirectory(api);
  northToken = (await api.request('POST', `/admin/resellers/${IDS.r1}/tokens`, { body: { label: 'statements' } })).body
    .token;
  const planB = plan(PLAN_B, 'platform', IDS.b, { pricePerUnit: '0.15', monthlyFee: '29.00', includedMinutes: 2 });
  const planA = plan(PLAN_A, IDS.r1, IDS.a, { pricePerUnit: '0.20', monthlyFee: '19.90', includedMinutes: 0 });
  expect((await api.request('POST', '/plans', { body: planB })).status).toBe(201);
  expect((await api.request('POST', '/plans', { body: planA, token: northToken })).status).toBe(201);
  await call('b1', IDS.b, '2024-06-20T09:00:00Z', [
    [seconds(300), retail('usage', '0.75'), retail('booking_fees', '1.00')],
  ]);
  await call('b2', IDS.b, '2024-06-03T09:00:00Z', [[seconds(45), retail('usage', '0.15')]]);
  // costed, then a booking arrived: an adjustment of revision 2
  await call('b4', IDS.b, '2024-06-30T20:00:00Z', [
    [seconds(100), retail('usage', '0.30')],
    [retail('booking_fees', '0.50')],
  ]);
  await call('b3', IDS.b, '2024-07-01T08:00:00Z', [[seconds(60), retail('usage', '0.15')]]);
  await call('a1', IDS.a, '2024-06-10T08:00:00Z', [[seconds(61), retail('usage', '0.40')]]);
  await seedFacts(api, 'b5', { companyId: IDS.b, startedAt: '2024-06-29T10:00:00Z' });
  await seedCosting(api, 'b5', { status: 'pending', reason: 'rate', waitingFor: 'USD', since: '2024-06-29T10:05:00Z' });
});
afterAll(() => api.close());

const statement = (
  companyId: string,
  month: string,
  options: { token?: string; accept?: string; query?: string } = {},
) => api.request('GET', `/companies/${companyId}/statements/${month}${options.query ?? ''}`, options);
const cents = (text: string) => Number(Exact.parse(text).roundTo(2));

describe('GET /companies/:companyId/statements/:month', () => {
  it('when asked as JSON, then the calls of the month are billed in start order with the fee and the included minutes', async () => {
    const answer = await statement(IDS.b, '2024-06');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      companyId: IDS.b,
      companyName: 'Praxis Berg',
      month: '2024-06',
      currency: 'EUR',
      feePlanId: PLAN_B,
      includedMinutes: 2,
      monthlyFee: '29.00',
      callsTotal: '2.70',
      credit: '0.30',
      subtotal: '31.70',
      total: '31.40',
      pending: { calls: 1, note: expect.stringContaining('not billed') },
    });
    expect(
      answer.body.calls.map((c: { callId: string; amount: string; credit: string }) => [c.callId, c.amount, c.credit]),
    ).toEqual([
      ['b2', '0.15', '0.15'],
      ['b1', '1.75', '0.15'],
      ['b4', '0.80', '0.00'],
    ]);
  });

  it('when the statement is totalled, then its total is the sum of its lines', async () => {
    const { body } = await statement(IDS.b, '2024-06');
    const sumOf = (field: 'amount' | 'credit') =>
      body.calls.reduce((t: number, c: Record<string, string>) => t + cents(c[field]!), 0);
    expect(sumOf('amount')).toBe(cents(body.callsTotal));
    expect(sumOf('credit')).toBe(cents(body.credit));
    expect(cents(body.callsTotal) + cents(body.monthlyFee) - cents(body.credit)).toBe(cents(body.total));
  });

  it('when asked as CSV, then it is an attachment whose amount column adds up to its total row', async () => {
    for (const options of [{ query: '?format=csv' }, { accept: 'text/csv' }]) {
      const answer = await statement(IDS.b, '2024-06', options);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="statement-${IDS.b}-2024-06.csv"`);
      expect(answer.headers.get('x-pending-calls')).toBe('1');
      const rows = answer.text
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(','));
      expect(rows.map((r) => r[0])).toEqual([
        'line',
        'call',
        'call',
        'call',
        'monthly_fee',
        'included_minutes_credit',
        'total',
      ]);
      const amounts = rows.slice(1, -1).map((r) => cents(r[7]!));
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(cents(rows.at(-1)![7]!));
      expect(rows.at(-1)![7]).toBe('31.40');
    }
  });

  it("when a reseller asks, then it gets its own company's statement and 404 for anyone else's", async () => {
    const own = await statement(IDS.a, '2024-06', { token: northToken });
    expect(own).toMatchObject({ status: 200, body: { monthlyFee: '19.90', callsTotal: '0.40', total: '20.30' } });
    expect((await statement(IDS.b, '2024-06', { token: northToken })).status).toBe(404);
    expect((await statement(IDS.c, '2024-06', { token: northToken, query: '?format=csv' })).status).toBe(404);
  });

  it('when the month is malformed or the company unknown, then 400 or 404', async () => {
    expect(await statement(IDS.b, '2024-13')).toMatchObject({ status: 400, body: { problems: ['month: YYYY-MM'] } });
    expect((await statement('00000000-0000-4000-8000-000000000999', '2024-06')).status).toBe(404);
    expect(await statement(IDS.b, '2024-07')).toMatchObject({
      status: 200,
      body: { callsTotal: '0.15', pending: { calls: 0 } },
    });
  });
});
