import type { ApiHarness } from './cost-api.test-support';
import { startApiHarness } from './cost-api.test-support';
import { IDS, seedCalls, seedDirectory } from './report-data.test-support';

/** Integration: reports and one call's breakdown over HTTP, from ledger entries seeded with SQL. */
let api: ApiHarness;
let resellerToken: string;

beforeAll(async () => {
  api = await startApiHarness(() => ({ kind: 'unknown_call' }));
  await seedDirectory(api);
  await seedCalls(api);
  resellerToken = (await api.request('POST', `/admin/resellers/${IDS.r1}/tokens`, { body: { label: 'reports' } })).body
    .token;
});
afterAll(() => api.close());

const JUNE_SALON_ANNA = {
  groupId: IDS.a,
  name: 'Salon Anna',
  periodStart: '2024-06-01',
  calls: 2,
  minutes: '3.58',
  wholesaleEur: '0.45',
  retailEur: '0.80',
  resellerProfitEur: '0.35',
  resellerMargin: '0.4375',
  confirmedBookings: 2,
  conversion: '1.0000',
  alternativeShare: '0.5000',
};
const PLATFORM_FIGURES = ['baseCostEur', 'platformProfitEur', 'platformMargin', 'costPerBookingEur'];

describe('GET /reports', () => {
  it('when the operator asks per company and month, then each row is summed and rounded as worked out by hand', async () => {
    const answer = await api.request('GET', '/reports?by=company&period=month&from=2024-06-01&to=2024-07-31');
    expect(answer.status).toBe(200);
    expect(answer.body.rows).toEqual([
      {
        groupId: IDS.b,
        name: 'Praxis Berg',
        periodStart: '2024-06-01',
        calls: 1,
        minutes: '5.00',
        baseCostEur: '0.33',
        wholesaleEur: '1.00',
        retailEur: '1.00',
        platformProfitEur: '0.67',
        resellerProfitEur: '0.00',
        platformMargin: '0.6667',
        resellerMargin: null,
        confirmedBookings: 2,
        costPerBookingEur: '0.17',
        conversion: '2.0000',
        alternativeShare: '0.0000',
      },
      // base 0.175 and platform profit 0.275 round half away from zero; 0.275 ÷ 0.45 = 0.61111…
      {
        ...JUNE_SALON_ANNA,
        baseCostEur: '0.18',
        platformProfitEur: '0.28',
        platformMargin: '0.6111',
        costPerBookingEur: '0.09',
      },
      {
        groupId: IDS.c,
        name: 'Werkstatt Cramer',
        periodStart: '2024-06-01',
        calls: 1,
        minutes: '0.50',
        baseCostEur: '0.02',
        wholesaleEur: '0.10',
        retailEur: '0.15',
        platformProfitEur: '0.08',
        resellerProfitEur: '0.05',
        platformMargin: '0.8000',
        resellerMargin: '0.3333',
        confirmedBookings: 0,
        costPerBookingEur: null,
        conversion: '0.0000',
        alternativeShare: null,
      },
      {
        groupId: IDS.a,
        name: 'Salon Anna',
        periodStart: '2024-07-01',
        calls: 1,
        minutes: '1.00',
        baseCostEur: '0.05',
        wholesaleEur: '0.12',
        retailEur: '0.20',
        platformProfitEur: '0.07',
        resellerProfitEur: '0.08',
        platformMargin: '0.5833',
        resellerMargin: '0.4000',
        confirmedBookings: 0,
        costPerBookingEur: null,
        conversion: '0.0000',
        alternativeShare: null,
      },
    ]);
  });

  it('when calls lie on both sides of a Berlin month boundary, then their call days put them in June and July', async () => {
    const byDay = await api.request(
      'GET',
      `/reports?by=company&period=day&from=2024-06-30&to=2024-07-01&companyId=${IDS.a}`,
    );
    expect(byDay.body.rows.map((r: { periodStart: string; calls: number }) => [r.periodStart, r.calls])).toEqual([
      ['2024-06-30', 1],
      ['2024-07-01', 1],
    ]);
    const byMonth = await api.request(
      'GET',
      `/reports?by=company&period=month&from=2024-06-30&to=2024-07-01&companyId=${IDS.a}`,
    );
    expect(
      byMonth.body.rows.map((r: { periodStart: string; retailEur: string }) => [r.periodStart, r.retailEur]),
    ).toEqual([
      ['2024-06-01', '0.50'],
      ['2024-07-01', '0.20'],
    ]);
  });

  it('when grouped per reseller, per staff, then the groups carry the directory names and the same sums', async () => {
    const byReseller = await api.request('GET', '/reports?by=reseller&period=month&from=2024-06-01&to=2024-06-30');
    expect(byReseller.body.rows.map((r: { name: string | null; retailEur: string }) => [r.name, r.retailEur])).toEqual([
      ['Agentur Nord', '0.80'],
      ['Agentur Süd', '0.15'],
      [null, '1.00'],
    ]);
    const byStaff = await api.request(
      'GET',
      `/reports?by=staff&period=month&from=2024-06-01&to=2024-06-30&resellerId=${IDS.r1}`,
    );
    expect(byStaff.body.rows).toEqual([
      {
        ...JUNE_SALON_ANNA,
        groupId: IDS.staffA,
        name: 'Anna',
        baseCostEur: '0.18',
        platformProfitEur: '0.28',
        platformMargin: '0.6111',
        costPerBookingEur: '0.09',
      },
    ]);
  });

  it("when a reseller asks, then it gets its own companies' rows only and none of the platform's figures", async () => {
    const answer = await api.request('GET', '/reports?by=company&period=month&from=2024-06-01&to=2024-07-31', {
      token: resellerToken,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.rows.map((r: { name: string; periodStart: string }) => [r.name, r.periodStart])).toEqual([
      ['Salon Anna', '2024-06-01'],
      ['Salon Anna', '2024-07-01'],
    ]);
    expect(answer.body.rows[0]).toEqual(JUNE_SALON_ANNA);
    for (const row of answer.body.rows) for (const field of PLATFORM_FIGURES) expect(row).not.toHaveProperty(field);
  });

  it('when a company moved from one reseller to another, then each reseller sees only what it sold while the company is its own', async () => {
    const may = 'by=company&period=month&from=2024-05-01&to=2024-05-31';
    expect((await api.request('GET', `/reports?${may}`)).body.rows).toMatchObject([
      { name: 'Salon Anna', retailEur: '0.30' },
    ]);
    expect((await api.request('GET', `/reports?${may}`, { token: resellerToken })).body.rows).toEqual([]);
    const southToken = (await api.request('POST', `/admin/resellers/${IDS.r2}/tokens`, { body: { label: 'süd' } })).body
      .token;
    expect((await api.request('GET', `/reports?${may}`, { token: southToken })).body.rows).toEqual([]);
    const june = await api.request('GET', '/reports?by=company&period=month&from=2024-06-01&to=2024-06-30', {
      token: southToken,
    });
    expect(june.body.rows).toMatchObject([{ name: 'Werkstatt Cramer', retailEur: '0.15' }]);
  });

  it("when a reseller names another reseller's company or that reseller, then 404 as for an unknown one", async () => {
    const range = 'by=company&period=month&from=2024-06-01&to=2024-06-30';
    for (const filter of [
      `companyId=${IDS.c}`,
      `resellerId=${IDS.r2}`,
      'companyId=00000000-0000-4000-8000-000000000999',
    ])
      expect((await api.request('GET', `/reports?${range}&${filter}`, { token: resellerToken })).status).toBe(404);
    expect((await api.request('GET', `/reports?${range}&companyId=${IDS.c}`)).body.rows).toHaveLength(1);
  });

  it('when the query is wrong or the range longer than 366 days, then 400 names every problem', async () => {
    const wrong = await api.request('GET', '/reports?by=city&period=week&from=2024-13-01&companyId=x');
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid' } });
    expect(wrong.body.problems).toEqual([
      'by: one of reseller, company, branch, service, staff',
      'period: one of day, month',
      'from: a day as YYYY-MM-DD',
      'to: a day as YYYY-MM-DD',
      'companyId: an id (uuid)',
    ]);
    const long = await api.request('GET', '/reports?by=company&period=day&from=2023-01-01&to=2024-02-04');
    expect(long).toMatchObject({
      status: 400,
      body: { problems: ['to: the range is 400 days; at most 366 per report'] },
    });
    const leapYear = await api.request('GET', '/reports?by=company&period=day&from=2024-01-01&to=2024-12-31');
    expect(leapYear.status).toBe(200);
  });
});
