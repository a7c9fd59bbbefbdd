import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AvailabilityQuery } from '@rb/contracts';
import { SpanKind, SpanStatusCode, startInMemoryTracing } from '@rb/observability';
import { makeBookingAvailabilityClient } from './booking-availability-client';

const TOKEN = 'query-token-for-tests-000000000001';
const QUERY: AvailabilityQuery = {
  companyId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e01',
  branchId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e02',
  calcomEventTypeId: 3101,
  durationMinutes: 60,
  fromDay: '2026-10-16',
  toDay: '2026-10-16',
  limit: 3,
};
const FREE = {
  kind: 'free',
  timeZone: 'Europe/Berlin',
  slots: [{ startUtc: '2026-10-16T12:30:00Z', endUtc: '2026-10-16T13:30:00Z' }],
};

/** A stand-in for booking on a free port: each test says how it answers. */
describe('the client of booking’s availability query', () => {
  let server: Server;
  let baseUrl: string;
  let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => handle(req, body, res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const reply = (status: number, body: unknown) => (_: IncomingMessage, __: string, res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const client = (deadlineMs = 1_000, url = baseUrl) =>
    makeBookingAvailabilityClient({ baseUrl: `${url}/`, token: TOKEN, deadlineMs });

  it('when booking answers, then the question went to its route with the bearer token and the answer is the contract’s', async () => {
    let seen: { url?: string; authorization?: string; body?: unknown } = {};
    handle = (req, body, res) => {
      seen = { url: req.url, authorization: req.headers.authorization, body: JSON.parse(body) };
      reply(200, FREE)(req, body, res);
    };
    expect(await client()(QUERY)).toEqual(FREE);
    expect(seen).toEqual({ url: '/internal/availability', authorization: `Bearer ${TOKEN}`, body: QUERY });
  });

  it('when booking refuses (422) or is unavailable (503), then that is its answer', async () => {
    const refused = { kind: 'refused', reason: 'no_calcom_account', detail: 'no account' };
    handle = reply(422, refused);
    expect(await client()(QUERY)).toEqual(refused);
    handle = reply(503, { kind: 'unavailable', reason: 'circuit_open', retryAfterSeconds: 10 });
    expect(await client()(QUERY)).toMatchObject({ kind: 'unavailable', reason: 'circuit_open' });
  });

  it('when the answer is not the contract’s (400 for the query, 401, 500, another shape), then unreachable with the status', async () => {
    handle = reply(400, { error: 'invalid_query', issues: [] });
    expect(await client()(QUERY)).toEqual({ kind: 'unreachable', why: 'unexpected_answer', status: 400 });
    handle = reply(401, { error: 'unauthorized' });
    expect(await client()(QUERY)).toEqual({ kind: 'unreachable', why: 'unexpected_answer', status: 401 });
    handle = reply(500, FREE);
    expect(await client()(QUERY)).toEqual({ kind: 'unreachable', why: 'unexpected_answer', status: 500 });
    handle = reply(200, { kind: 'free', slots: 'none' });
    expect(await client()(QUERY)).toEqual({ kind: 'unreachable', why: 'unexpected_answer', status: 200 });
    handle = (_, __, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    expect(await client()(QUERY)).toEqual({ kind: 'unreachable', why: 'unexpected_answer', status: 200 });
  });

  it('when booking does not answer within the deadline, then unreachable (timeout) at the deadline', async () => {
    handle = () => undefined; // never answers
    const started = performance.now();
    expect(await client(150)(QUERY)).toEqual({ kind: 'unreachable', why: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('when booking sends its headers in time but not its body, then unreachable (timeout) too', async () => {
    handle = (_, __, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"kind":');
    expect(await client(150)(QUERY)).toEqual({ kind: 'unreachable', why: 'timeout' });
  });

  it('when tracing is on, then each question is a CLIENT span named by the route whose traceparent booking receives, and a question that goes unanswered is an error span', async () => {
    const tracing = startInMemoryTracing('ingress-client-test');
    try {
      let traceparent: string | undefined;
      handle = (req, body, res) => {
        traceparent = req.headers.traceparent as string | undefined;
        reply(200, FREE)(req, body, res);
      };
      expect(await client()(QUERY)).toEqual(FREE);
      handle = () => undefined; // never answers
      expect(await client(150)(QUERY)).toEqual({ kind: 'unreachable', why: 'timeout' });
      const [answered, late] = tracing.spans();
      expect([answered?.name, answered?.kind, late?.name]).toEqual([
        'POST /internal/availability',
        SpanKind.CLIENT,
        'POST /internal/availability',
      ]);
      expect(traceparent).toBe(`00-${answered!.spanContext().traceId}-${answered!.spanContext().spanId}-01`);
      expect(answered!.attributes).toMatchObject({
        'url.template': '/internal/availability',
        'http.response.status_code': 200,
      });
      expect(late!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
    } finally {
      await tracing.shutdown();
    }
  });

  it('when nothing listens at booking’s address, then unreachable (network), without throwing', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const url = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await client(1_000, url)(QUERY)).toEqual({ kind: 'unreachable', why: 'network' });
  });
});
