import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APPOINTMENTS_QUERY_ROUTE, AppointmentsAnswerSchema, AVAILABILITY_QUERY_ROUTE } from '@rb/contracts';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createLogger, createMetricsRegistry } from '@rb/observability';
import { createTestDatabase } from '../../../../../test/support/postgres';
import { callerDigest } from '../../appointments/caller-index';
import { makeFindAppointments } from '../../appointments/find-appointments';
import { MIGRATIONS } from '../../infra/db/migrations';
import { makeApp } from './app';

/**
 * POST /internal/appointments through booking's app: behind the internal API's query tokens, the
 * contract's body, the use case over booking's own PostgreSQL.
 */
const TOKEN = 'test-query-token-0123456789abcdef';
const KEY = Buffer.alloc(32, 9);
const CALLER = '+4917612345678';
const company = randomUUID();

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: Server;
let url: string;
beforeAll(async () => {
  db = await createTestDatabase('booking_appointments_route', MIGRATIONS);
  await db.dataSource.query(
    `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, status, calcom_uid,
       event_type_id, start_utc, time_zone, source, public_id, caller_digest, service_name, duration_minutes)
     VALUES ('live:c1:book:s1', 'c1', $1, $2, $3, 'confirmed', 'uid_1', 1201, '2026-10-13T12:30:00Z',
       'Europe/Berlin', 'live', 'bk_3HF8Q2ZD', $4, 'Damenhaarschnitt', 45)`,
    [company, randomUUID(), randomUUID(), callerDigest(KEY, company, CALLER)],
  );
  const notHere = () => Promise.reject(new Error('not part of this test'));
  const app = makeApp({
    setAccount: notHere,
    changeBooking: notHere,
    adminTokens: ['test-admin-token-0123456789abcdef'],
    availability: { tokens: [TOKEN], answer: notHere, deadlineMs: 1_000 },
    appointments: {
      find: makeFindAppointments({
        db: typeormAutocommit(db.dataSource),
        clock: () => new Date('2026-10-01T08:00:00Z'),
        callerKey: KEY,
      }),
    },
    health: { isLive: () => true, notReady: () => [] },
    registry: createMetricsRegistry('booking_test'),
    log: createLogger({ service: 'booking-test', level: 'silent' }),
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

async function post(route: string, body: string | object, token: string | null = TOKEN) {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

describe('POST /internal/appointments', () => {
  it("when asked with a query token, then the caller's appointments are answered as the contract has them", async () => {
    const answer = await post(APPOINTMENTS_QUERY_ROUTE, { companyId: company, callerPhone: '+49 176 1234 5678' });
    expect(answer.status).toBe(200);
    expect(AppointmentsAnswerSchema.parse(answer.body)).toEqual({
      appointments: [
        {
          bookingId: 'bk_3HF8Q2ZD',
          start: { utc: '2026-10-13T12:30:00Z', local: '2026-10-13T14:30:00', timeZone: 'Europe/Berlin' },
          end: { utc: '2026-10-13T13:15:00Z', local: '2026-10-13T15:15:00', timeZone: 'Europe/Berlin' },
          serviceName: 'Damenhaarschnitt',
          status: 'accepted',
        },
      ],
    });
  });

  it('when the token is missing or not a query token, then 401 and nothing is read', async () => {
    const query = { companyId: company, callerPhone: CALLER };
    expect((await post(APPOINTMENTS_QUERY_ROUTE, query, null)).status).toBe(401);
    expect((await post(APPOINTMENTS_QUERY_ROUTE, query, 'test-admin-token-0123456789abcdef')).status).toBe(401);
  });

  it('when the body is not the contract query or not JSON, then 400 invalid_query names the issues', async () => {
    const bad = await post(APPOINTMENTS_QUERY_ROUTE, { companyId: 'acme', callerPhone: CALLER, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'invalid_query',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'companyId' })]),
    });
    expect((bad.body.issues as unknown[]).length).toBe(2);
    expect(await post(APPOINTMENTS_QUERY_ROUTE, '{"companyId":')).toEqual({
      status: 400,
      body: { error: 'invalid_query', issues: [{ path: '', message: 'the body is not JSON' }] },
    });
  });

  it('when the availability route sits beside it, then it still answers its own invalid body (one token check for both)', async () => {
    expect((await post(AVAILABILITY_QUERY_ROUTE, {}, null)).status).toBe(401);
    expect(await post(AVAILABILITY_QUERY_ROUTE, 'not json')).toMatchObject({
      status: 400,
      body: { error: 'invalid_query' },
    });
  });
});
