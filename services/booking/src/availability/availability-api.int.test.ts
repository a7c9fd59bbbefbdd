import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AvailabilityQuery } from '@rb/contracts';
import { AVAILABILITY_QUERY_ROUTE, AvailabilityAnswerSchema } from '@rb/contracts';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { admin, createTopics, directorySender, makeBranch, startService, waitFor } from '../../test/booking-harness';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { loadBranch } from '../directory/branch-directory';
import { MIGRATIONS } from '../infra/db/migrations';
import type { BookingService } from '../service';

/**
 * A live caller's availability question through the running service: POST /internal/availability
 * with a query token, the branch from the directory topic into booking's own PostgreSQL, the
 * company's Cal.com account set through the admin API, the free slots cached in the real Redis,
 * and a stateful fake Cal.com on 127.0.0.1 (one per test, faults injected).
 */
jest.setTimeout(60_000);

const QUERY_TOKEN = 'test-query-token-0123456789abcdef';
/**
 * the question's deadline, below each Cal.com call's own time limit as in production (2 s and 8 s),
 * so a slow Cal.com meets the deadline first
 */
const DEADLINE_MS = 1_200;
const CALCOM_TIMEOUT_MS = 5_000;
// the service's "now": the asked days (October 2026) lie ahead of it
const clock = () => new Date('2026-10-01T08:00:00Z');
// Tuesday 13 October 2026
const TUESDAY = '2026-10-13';
/** a local time in Berlin as the UTC instant the answers carry */
const berlin = (local: string) =>
  DateTime.fromISO(local, { zone: 'Europe/Berlin' }).toUTC().toISO({ suppressMilliseconds: true })!;
const slot = (local: string, minutes = 45) => ({
  startUtc: berlin(local),
  endUtc: DateTime.fromISO(berlin(local)).plus({ minutes }).toUTC().toISO({ suppressMilliseconds: true })!,
});

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let service: BookingService;
let directory: Awaited<ReturnType<typeof directorySender>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_availability', MIGRATIONS);
  const topics = await createTopics(1);
  service = await startService(
    db.url,
    topics,
    {
      QUERY_TOKENS: QUERY_TOKEN,
      AVAILABILITY_DEADLINE_MS: String(DEADLINE_MS),
      CALCOM_TIMEOUT_MS: String(CALCOM_TIMEOUT_MS),
    },
    { clock },
  );
  directory = await directorySender(topics.directory);
});
afterAll(async () => {
  await service?.stop();
  await directory?.stop();
  await db?.drop();
});
/** a test that failed half-way leaves nothing running */
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function ask(
  body: unknown,
  options: { token?: string | null; port?: number; raw?: string; signal?: AbortSignal } = {},
) {
  const token = options.token === undefined ? QUERY_TOKEN : options.token;
  const response = await fetch(`http://127.0.0.1:${options.port ?? service.port}${AVAILABILITY_QUERY_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: options.raw ?? JSON.stringify(body),
    signal: options.signal,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** A company with one branch in booking's directory and (unless told not to) its own Cal.com account. */
async function tenant(options: { freeStartsUtc?: string[]; active?: boolean; account?: boolean } = {}) {
  const calcom = await startStatefulCalcom({ validTokens: ['cal_live_good'], freeStartsUtc: options.freeStartsUtc });
  running.push(calcom.stop);
  const companyId = randomUUID();
  const branch = makeBranch(companyId, { active: options.active ?? true });
  await directory.send(branch);
  const sql = typeormAutocommit(db.dataSource);
  await waitFor('the branch in the read model', async () => (await loadBranch(sql, branch.id)) !== undefined);
  if (options.account !== false) {
    const set = await admin(service.port, 'PUT', `/companies/${companyId}/calcom-account`, {
      baseUrl: calcom.url,
      kind: 'api_key',
      token: 'cal_live_good',
    });
    expect(set.status).toBe(200);
  }
  const query = (overrides: Partial<AvailabilityQuery> = {}): AvailabilityQuery => ({
    companyId,
    branchId: branch.id,
    calcomEventTypeId: 1201,
    durationMinutes: 45,
    fromDay: TUESDAY,
    toDay: TUESDAY,
    ...overrides,
  });
  return {
    calcom,
    companyId,
    branchId: branch.id,
    query,
    ask: (overrides: Partial<AvailabilityQuery> = {}) => ask(query(overrides)),
    slotCalls: () => calcom.calls.filter((call) => call === 'GET /v2/slots').length,
  };
}

const metric = async (pattern: RegExp) =>
  (await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text())
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

const CACHE_HITS = /^booking_availability_lookups_total\{.*result="hit"[,}]/;
const CACHE_MISSES = /^booking_availability_lookups_total\{.*result="miss"[,}]/;
const ABANDONED = /^booking_availability_queries_total\{.*outcome="abandoned"[,}]/;
const FREE_COLD = /^booking_availability_queries_total\{(?=.*outcome="free"[,}])(?=.*cache="cold"[,}])/;
const FREE_WARM = /^booking_availability_queries_total\{(?=.*outcome="free"[,}])(?=.*cache="warm"[,}])/;
const TUESDAY_FREE = ['2026-10-13T09:00', '2026-10-13T10:30', '2026-10-13T14:00', '2026-10-13T15:00'];

describe('a live caller’s availability question (POST /internal/availability)', () => {
  it('when the cache is cold, then Cal.com is asked once and the earliest free starts are answered; asked again, then Redis answers without Cal.com', async () => {
    const t = await tenant({ freeStartsUtc: [...TUESDAY_FREE, '2026-10-14T09:00'].map(berlin) });
    const answeredFree = await metric(/^booking_availability_queries_total\{.*outcome="free"[,}]/);
    const [coldFree, warmFree] = [await metric(FREE_COLD), await metric(FREE_WARM)];

    const cold = await t.ask();
    expect(cold).toEqual({
      status: 200,
      retryAfter: null,
      body: {
        kind: 'free',
        timeZone: 'Europe/Berlin',
        slots: [slot('2026-10-13T09:00'), slot('2026-10-13T10:30'), slot('2026-10-13T14:00')],
      },
    });
    expect(AvailabilityAnswerSchema.parse(cold.body)).toEqual(cold.body);
    expect(t.slotCalls()).toBe(1);

    const hits = await metric(CACHE_HITS);
    const warm = await t.ask();
    expect(warm).toEqual(cold);
    expect(t.slotCalls()).toBe(1);
    // one cache read of the one asked day: the free path never reads the alternatives' days
    expect(await metric(CACHE_HITS)).toBe(hits + 1);
    expect(await metric(/^booking_availability_queries_total\{.*outcome="free"[,}]/)).toBe(answeredFree + 2);
    // the first asked Cal.com (cold), the second was answered from Redis (warm)
    expect([await metric(FREE_COLD), await metric(FREE_WARM)]).toEqual([coldFree + 1, warmFree + 1]);
    expect(
      await metric(/^booking_availability_query_duration_seconds_count\{.*kind="free"[,}]/),
    ).toBeGreaterThanOrEqual(2);
  });

  it('when a window is asked, then only starts within it are answered, and a free wished start comes first', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    // "nachmittags": 12:00 up to 17:00 (german-dates' HOURS.afternoon)
    const afternoon = { fromMinute: 720, toMinute: 1020 };
    expect((await t.ask({ window: afternoon })).body).toEqual({
      kind: 'free',
      timeZone: 'Europe/Berlin',
      slots: [slot('2026-10-13T14:00'), slot('2026-10-13T15:00')],
    });
    const wished = await t.ask({ window: afternoon, wishedStartUtc: berlin('2026-10-13T15:00'), limit: 1 });
    expect(wished.body).toEqual({ kind: 'free', timeZone: 'Europe/Berlin', slots: [slot('2026-10-13T15:00')] });
    expect(t.slotCalls()).toBe(1);
  });

  it('when nothing is free where asked, then ranked alternatives are answered, read from what the first Cal.com call cached', async () => {
    const t = await tenant({
      freeStartsUtc: ['2026-10-13T09:00', '2026-10-14T14:00', '2026-10-20T14:30'].map(berlin),
    });
    const [hits, misses] = [await metric(CACHE_HITS), await metric(CACHE_MISSES)];
    const answer = await t.ask({
      window: { fromMinute: 720, toMinute: 1020 },
      wishedStartUtc: berlin('2026-10-13T14:30'),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      kind: 'none_free',
      timeZone: 'Europe/Berlin',
      alternatives: [
        { ...slot('2026-10-13T09:00'), strategy: 'same_day_other_time' },
        { ...slot('2026-10-14T14:00'), strategy: 'next_workday_same_time' },
        { ...slot('2026-10-20T14:30'), strategy: 'next_week_same_day' },
      ],
    });
    expect(AvailabilityAnswerSchema.parse(answer.body)).toEqual(answer.body);
    expect(t.slotCalls()).toBe(1);
    // the asked day missed (Cal.com, three weeks fetched); the alternatives' eight days came from Redis
    expect([await metric(CACHE_MISSES), await metric(CACHE_HITS)]).toEqual([misses + 1, hits + 8]);
  });

  it('when nothing is free for weeks, then none_free comes with no alternatives', async () => {
    const t = await tenant({ freeStartsUtc: [] });
    expect(await t.ask()).toMatchObject({
      status: 200,
      body: { kind: 'none_free', timeZone: 'Europe/Berlin', alternatives: [] },
    });
  });

  it('when the branch is unknown, of another company or inactive, or the company has no Cal.com account, then 422 says why and Cal.com is not asked', async () => {
    const known = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    const refused = (reason: string) => ({
      status: 422,
      retryAfter: null,
      body: { kind: 'refused', reason, detail: expect.any(String) },
    });
    expect(await known.ask({ branchId: randomUUID() })).toEqual(refused('unknown_branch'));
    expect(await known.ask({ companyId: randomUUID() })).toEqual(refused('unknown_branch'));
    const inactive = await tenant({ active: false });
    expect(await inactive.ask()).toEqual(refused('inactive_branch'));
    const unconnected = await tenant({ account: false });
    expect(await unconnected.ask()).toEqual(refused('no_calcom_account'));
    expect([known, inactive, unconnected].map((t) => t.slotCalls())).toEqual([0, 0, 0]);
    expect(await metric(/^booking_availability_queries_total\{.*outcome="refused_unknown_branch"[,}]/)).toBe(2);
    // refusals need no calendar: warm
    expect(
      await metric(/^booking_availability_queries_total\{(?=.*outcome="refused_unknown_branch")(?=.*cache="warm")/),
    ).toBe(2);
  });

  it('when Cal.com refuses the credential or does not know the event type, then 422 calendar_refused or event_type_not_found', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    t.calcom.inject({ route: 'GET /v2/slots', status: 401 });
    expect(await t.ask()).toMatchObject({ status: 422, body: { kind: 'refused', reason: 'calendar_refused' } });
    t.calcom.inject({ route: 'GET /v2/slots', status: 404 });
    expect(await t.ask({ calcomEventTypeId: 999 })).toMatchObject({
      status: 422,
      body: { kind: 'refused', reason: 'event_type_not_found', detail: 'Cal.com has no event type 999' },
    });
  });

  it('when Cal.com keeps failing, then 503 unavailable, and once its breaker opened, circuit_open with Retry-After; never a 500', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    t.calcom.inject({ route: 'GET /v2/slots', status: 503, times: 3 });
    expect(await t.ask()).toEqual({
      status: 503,
      retryAfter: null,
      body: { kind: 'unavailable', reason: 'calendar_unavailable' },
    });
    // three attempts of the read, three failures in a row: the account's breaker (CALCOM_BREAK_AFTER=3) opened
    expect(t.slotCalls()).toBe(3);
    expect(await t.ask()).toEqual({
      status: 503,
      retryAfter: '2',
      body: { kind: 'unavailable', reason: 'circuit_open', retryAfterSeconds: 2 },
    });
    expect(t.slotCalls()).toBe(3);
  });

  it('when Cal.com is slower than the question’s deadline, then 503 timeout comes at about the deadline, and the Cal.com call is given up', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    t.calcom.inject({ route: 'GET /v2/slots', applyThenDelayMs: 3_000 }); // within CALCOM_TIMEOUT_MS
    const started = Date.now();
    expect(await t.ask()).toEqual({ status: 503, retryAfter: null, body: { kind: 'unavailable', reason: 'timeout' } });
    // generous: the point is the deadline, not Cal.com's 3 s nor the call's 5 s time limit
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_500);
    // its place in the account's bulkhead is free again: the request was closed, not waited out
    await waitFor('the Cal.com call given up', () => t.calcom.abandoned.length > 0, 1_000);
    expect(t.calcom.abandoned).toEqual(['GET /v2/slots']);
    // Cal.com was asked (and gave up on): a cold answer
    expect(
      await metric(/^booking_availability_queries_total\{(?=.*outcome="unavailable_timeout")(?=.*cache="cold")/),
    ).toBeGreaterThan(0);
  });

  it('when the asker hangs up while Cal.com is slow, then the Cal.com call is given up, never retried, and nothing is answered', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    // each attempt fails late with a 503 worth retrying; without the hang-up the read would retry
    t.calcom.inject({ route: 'GET /v2/slots', status: 503, delayMs: 800, times: 3 });
    const abandoned = await metric(ABANDONED);
    const asker = new AbortController();
    const asked = ask(t.query(), { signal: asker.signal }).catch((error: unknown) => error);
    await waitFor('the first Cal.com call', () => t.slotCalls() === 1);
    asker.abort();
    expect(await asked).toMatchObject({ name: 'AbortError' });

    // well before the deadline and the 503: the hang-up itself closed the request
    await waitFor('the Cal.com call given up', () => t.calcom.abandoned.length === 1, 700);
    await waitFor('the question counted as abandoned', async () => (await metric(ABANDONED)) === abandoned + 1);
    // the absence of a retry can only be waited for: one would have come by now (the 503 at 800 ms,
    // then at most ~400 ms of backoff)
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(t.slotCalls()).toBe(1);
  });

  it('when the token is missing or not a query token, then 401 and the question is not answered', async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    for (const token of [null, 'wrong-token-0123456789abcdefgh', 'test-admin-token-0123456789abcdef']) {
      expect(await ask(t.query(), { token })).toEqual({
        status: 401,
        retryAfter: null,
        body: { error: 'unauthorized' },
      });
    }
    expect(t.slotCalls()).toBe(0);
  });

  it("when the body is not the contract's query, then 400 invalid_query names the issues", async () => {
    const t = await tenant({ freeStartsUtc: TUESDAY_FREE.map(berlin) });
    const invalid = (issues: { path: string; message: unknown }[]) => ({
      status: 400,
      retryAfter: null,
      body: { error: 'invalid_query', issues },
    });
    expect(await ask({ ...t.query(), branchId: 'b1', durationMinutes: 0 })).toEqual(
      invalid([
        { path: 'branchId', message: expect.any(String) },
        { path: 'durationMinutes', message: expect.any(String) },
      ]),
    );
    expect(await ask(t.query({ fromDay: '2026-10-14' }))).toEqual(
      invalid([{ path: 'toDay', message: 'fromDay must not be after toDay' }]),
    );
    expect(await ask(t.query({ toDay: '2026-02-30', fromDay: '2026-02-27' }))).toEqual(
      invalid([{ path: 'toDay', message: 'not a day of the calendar' }]),
    );
    expect(await ask({ ...t.query(), phone: '+4917612345678' })).toEqual(
      invalid([{ path: '', message: expect.stringMatching(/phone/) }]),
    );
    expect(await ask(undefined, { raw: '{"companyId": ' })).toEqual(
      invalid([{ path: '', message: 'the body is not JSON' }]),
    );
    const tooLarge = await ask({ ...t.query(), padding: 'x'.repeat(5_000) });
    expect(tooLarge.status).toBe(413);
    expect(t.slotCalls()).toBe(0);
  });

  it('when QUERY_TOKENS is unset, then the internal route does not exist (404)', async () => {
    const topics = await createTopics(1);
    const closed = await startService(db.url, topics, {}, { clock });
    running.push(() => closed.stop());
    const query = { companyId: randomUUID(), branchId: randomUUID(), calcomEventTypeId: 1201, durationMinutes: 45 };
    expect(await ask({ ...query, fromDay: TUESDAY, toDay: TUESDAY }, { port: closed.port })).toEqual({
      status: 404,
      retryAfter: null,
      body: { error: 'not_found' },
    });
  });
});
