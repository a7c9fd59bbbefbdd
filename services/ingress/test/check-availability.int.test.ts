import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AvailabilityAnswer, DirectoryEntityChangedV1, ParsedAvailabilityQuery } from '@rb/contracts';
import { AvailabilityQuerySchema, CheckAvailabilityResponseSchema } from '@rb/contracts';
import { directorySender } from '../../../test/support/directory';
import { createTopic, uniqueName } from '../../../test/support/kafka';
import { fixtureBytes, startTestIngress, TEST_API_KEY } from './support';
import { signRetellBody } from '../src/webhooks/verify-signature';

const BOOKING_TOKEN = 'booking-query-token-for-tests-0001';
const DEADLINE_MS = 400;

/**
 * booking as a stand-in on a free port: checks the bearer token and the query against the
 * contract, remembers each query, and answers one free start at noon (UTC) of the first day asked —
 * or never, or not at all once closed.
 */
async function startStandInBooking() {
  const queries: ParsedAvailabilityQuery[] = [];
  const state = { hang: false };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const json = (status: number, answer: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      if (req.method !== 'POST' || req.url !== '/internal/availability') return json(404, { error: 'not_found' });
      if (req.headers.authorization !== `Bearer ${BOOKING_TOKEN}`) return json(401, { error: 'unauthorized' });
      const query = AvailabilityQuerySchema.safeParse(JSON.parse(body));
      if (!query.success) return json(400, { error: 'invalid_query', issues: query.error.issues });
      queries.push(query.data);
      if (state.hang) return; // the caller waits; ingress must not
      const answer: AvailabilityAnswer = {
        kind: 'free',
        timeZone: 'Europe/Berlin',
        slots: [{ startUtc: `${query.data.fromDay}T12:00:00Z`, endUtc: `${query.data.fromDay}T12:45:00Z` }],
      };
      json(200, answer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = async () => {
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  return { url, queries, state, close };
}

/** Integration: check_availability through the real ingress (directory from its topic) and a stand-in booking. */
describe('check_availability against real ingress and a stand-in booking', () => {
  const events = uniqueName('it.functions-events');
  const directoryTopic = uniqueName('it.functions-directory');
  const [companyId, branchId, serviceId, staffId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const at = '2026-10-01T10:00:00Z';
  const base = { active: true, changedAt: at, version: 1 };
  const entities: DirectoryEntityChangedV1[] = [
    { entity: 'company', id: companyId, ...base, slug: 'haarmonie', name: 'Salon Haarmonie' },
    {
      entity: 'branch',
      id: branchId,
      ...base,
      companyId,
      slug: 'koeln-ehrenfeld',
      name: 'Köln Ehrenfeld',
      timeZone: 'Europe/Berlin',
      federalState: 'NW',
      workingDays: [1, 2, 3, 4, 5, 6],
      defaultServiceId: serviceId,
      serviceIds: [serviceId],
      language: 'de-DE',
    },
    {
      entity: 'service',
      id: serviceId,
      ...base,
      companyId,
      slug: 'damenhaarschnitt_foehnen',
      name: 'Damenhaarschnitt & Föhnen',
      synonyms: ['Schneiden und Föhnen'],
      calcomEventTypeId: 3101,
      durationMinutes: 45,
      priceMinor: 4500,
      currency: 'EUR',
    },
    {
      entity: 'staff',
      id: staffId,
      ...base,
      companyId,
      branchId,
      slug: 'jana',
      name: 'Jana Becker',
      calcomUserId: null,
      serviceIds: [serviceId],
    },
  ];
  /** a week from today in Cologne: always ahead, within booking's 14 days */
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(Date.now() + 7 * 86_400_000);
  const args = {
    dienstleistung: 'Schneiden und Föhnen',
    mitarbeiterin: 'Jana',
    datum_von: day,
    tageszeit: 'nachmittag',
  };
  /** the fixture's live call, its args ours, its metadata what our call_inbound answer gave the call */
  const defaultBody = () => {
    const request = JSON.parse(fixtureBytes('11-function.check_availability.request.json').toString('utf8')) as {
      args: unknown;
      call: { metadata: unknown };
    };
    request.args = args;
    request.call.metadata = { companyId, branchId, phoneNumberId: randomUUID() };
    return JSON.stringify(request);
  };

  let booking: Awaited<ReturnType<typeof startStandInBooking>>;
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;
  beforeAll(async () => {
    booking = await startStandInBooking();
    await createTopic(events);
    await createTopic(directoryTopic);
    const directory = await directorySender(directoryTopic);
    await directory.send(...entities);
    await directory.stop();
    ingress = await startTestIngress(
      events,
      {
        BOOKING_QUERY_URL: booking.url,
        BOOKING_QUERY_TOKEN: BOOKING_TOKEN,
        AVAILABILITY_DEADLINE_MS: String(DEADLINE_MS),
      },
      directoryTopic,
    );
  });
  afterAll(async () => {
    await ingress?.stop();
    await booking?.close();
  });

  const callFunction = (body: string, { path = 'check_availability', key = TEST_API_KEY, headers = {} } = {}) =>
    fetch(`${ingress.url}/webhooks/retell/functions/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, key, Date.now()),
        ...headers,
      },
      body,
    });
  /** what the LLM reads: an answer with times, or ok:false with a reason and a hint */
  type Answer = { ok: boolean; fehler?: string; hinweis_fuer_agent: string; freie_termine?: unknown[] };
  const answerOf = async (response: Response) => [response.status, (await response.json()) as Answer] as const;

  it('when Retell calls it in the default mode with our metadata, then booking is asked with its token and the caller gets a spoken start with a slot id', async () => {
    const [status, answer] = await answerOf(await callFunction(defaultBody()));
    expect(status).toBe(200);
    expect(CheckAvailabilityResponseSchema.parse(answer)).toMatchObject({
      ok: true,
      zeitzone: 'Europe/Berlin',
      freie_termine: [
        {
          slot_id: expect.stringMatching(new RegExp(`^slot_${day.replaceAll('-', '')}1200_3101_[0-9a-f]{8}$`)),
          beginn: expect.stringMatching(new RegExp(`^${day}T1[34]:00:00\\+0[12]:00$`)),
          gesprochen: expect.stringMatching(/, um 1[34]:00 Uhr$/),
          mitarbeiterin: 'Jana Becker',
        },
      ],
    });
    expect(booking.queries.at(-1)).toEqual({
      companyId,
      branchId,
      calcomEventTypeId: 3101,
      durationMinutes: 45,
      fromDay: day,
      toDay: day,
      window: { fromMinute: 720, toMinute: 1020 },
      limit: 3,
    });
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_function_calls_total\{name="check_availability",outcome="offered"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /ingress_function_call_duration_seconds_count\{[^}]*name="check_availability"[^}]*\} [1-9]/,
    );
  });

  it('when the signature is not Retell’s, then 401 and booking is not asked', async () => {
    const asked = booking.queries.length;
    const response = await callFunction(defaultBody(), { key: 'key_of_someone_else' });
    expect(response.status).toBe(401);
    expect(booking.queries).toHaveLength(asked);
  });

  it('when Retell sends the args only, then the branch comes from the body’s branch_id (the tool’s const), or from ?branch_id= or X-Branch-Id of a tool set up before', async () => {
    const withBranch = JSON.stringify({ ...args, branch_id: branchId });
    for (const [body, via] of [
      [withBranch, {}],
      [withBranch, { path: `check_availability?branch_id=${branchId}` }],
      [JSON.stringify(args), { path: `check_availability?branch_id=${branchId}` }],
      [JSON.stringify(args), { headers: { 'x-branch-id': branchId } }],
    ] as const) {
      const asked = booking.queries.length;
      const [status, answer] = await answerOf(await callFunction(body, via));
      expect([status, answer.ok, answer.freie_termine?.length]).toEqual([200, true, 1]);
      expect(booking.queries).toHaveLength(asked + 1);
      expect(booking.queries.at(-1)).toMatchObject({ companyId, branchId, fromDay: day });
    }
  });

  it('when the unsigned URL or header names another branch than the signed body’s branch_id, then ok:false tenant_mismatch and booking is not asked', async () => {
    const asked = booking.queries.length;
    const body = JSON.stringify({ ...args, branch_id: branchId });
    for (const via of [
      { path: `check_availability?branch_id=${randomUUID()}` },
      { headers: { 'x-branch-id': randomUUID() } },
    ]) {
      const [status, answer] = await answerOf(await callFunction(body, via));
      expect([status, answer.ok, answer.fehler]).toEqual([200, false, 'tenant_mismatch']);
    }
    expect(booking.queries).toHaveLength(asked);
  });

  it('when the URL names a branch and the body is shaped like {name, args, call}, then it is read as args only: its call.metadata cannot name the tenant', async () => {
    const asked = booking.queries.length;
    const [status, answer] = await answerOf(
      await callFunction(defaultBody(), { path: `check_availability?branch_id=${randomUUID()}` }),
    );
    expect([status, answer.ok, answer.fehler]).toEqual([200, false, 'unknown_tenant']);
    expect(booking.queries).toHaveLength(asked);
  });

  it('when the args come without a tenant, then 200 with ok:false and a hint, and booking is not asked', async () => {
    const asked = booking.queries.length;
    const [status, answer] = await answerOf(await callFunction(JSON.stringify(args)));
    expect([status, answer]).toEqual([
      200,
      { ok: false, fehler: 'missing_tenant', hinweis_fuer_agent: expect.any(String) },
    ]);
    expect(booking.queries).toHaveLength(asked);
  });

  it('when the function is unknown, then 200 with ok:false unknown_function, counted', async () => {
    const [status, answer] = await answerOf(await callFunction(defaultBody(), { path: 'order_pizza' }));
    expect([status, answer.fehler]).toEqual([200, 'unknown_function']);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_function_calls_total\{name="unknown",outcome="unknown_function"[^}]*\} [1-9]/);
  });

  it('when the body is larger than ingress accepts, then 413 before anything else', async () => {
    const huge = JSON.stringify({ ...args, notiz: 'x'.repeat(ingress.config.MAX_BODY_BYTES) });
    expect((await callFunction(huge)).status).toBe(413);
  });

  it('when booking does not answer, then ok:false within the deadline with a hint to offer a callback', async () => {
    booking.state.hang = true;
    const started = performance.now();
    const [status, answer] = await answerOf(await callFunction(defaultBody()));
    const tookMs = performance.now() - started;
    booking.state.hang = false;
    expect([status, answer.ok, answer.fehler]).toEqual([200, false, 'calendar_unreachable']);
    expect(answer.hinweis_fuer_agent).toContain('zurückruft');
    expect(tookMs).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(tookMs).toBeLessThan(DEADLINE_MS + 1_000);
  });

  it('when booking is down, then ok:false at once, never a 5xx', async () => {
    await booking.close();
    const started = performance.now();
    const [status, answer] = await answerOf(await callFunction(defaultBody()));
    expect([status, answer.ok, answer.fehler]).toEqual([200, false, 'calendar_unreachable']);
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
  });
});
