import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import express from 'express';
import { withHttpClientSpan } from './http-client-spans';
import { httpServerSpans, withSpan } from './spans';
import type { InMemoryTracing } from './tracing';
import { startInMemoryTracing } from './tracing';

/**
 * A service asking another over HTTP, both in this process: the asker's CLIENT span, the asked
 * one's SERVER span (httpServerSpans, its routes in a router under /internal as booking's are).
 */
describe('withHttpClientSpan', () => {
  let server: Server;
  let base: string;
  /** the traceparent each request came with */
  const received: (string | undefined)[] = [];
  beforeAll(async () => {
    const app = express();
    app.use(httpServerSpans());
    const internal = express.Router();
    internal.post('/availability', (req, res) => {
      received.push(req.get('traceparent'));
      res.status(req.query.down ? 503 : 200).json({ kind: 'free' });
    });
    app.use('/internal', internal);
    // a router under a mount with a parameter: its value never names a span
    const company = express.Router();
    company.get('/statements', (_req, res) => void res.status(204).end());
    app.use('/companies/:companyId', company);
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => void received.splice(0));

  /** the question as ingress asks it: the trace headers, its own headers, the answer's status */
  const ask = (query = '') =>
    withHttpClientSpan(
      { method: 'POST', route: '/internal/availability', url: `${base}/internal/availability` },
      async (call) => {
        const response = await fetch(`${base}/internal/availability${query}`, {
          method: 'POST',
          headers: { ...call.headers, authorization: 'Bearer secret-query-token-000000000000' },
        });
        call.answered(response.status);
        return response.status;
      },
    );

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;
    beforeEach(() => {
      tracing = startInMemoryTracing('client-spans-test');
    });
    afterEach(() => tracing.shutdown());
    const named = (name: string, kind: SpanKind) => tracing.spans().filter((s) => s.name === name && s.kind === kind);
    /** the server span ends when the response closes, which may come just after the client has its answer */
    const ended = async (name: string, kind: SpanKind) => {
      for (let i = 0; i < 100 && named(name, kind).length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      return named(name, kind)[0]!;
    };

    it('when a request is sent in the span, then it carries the CLIENT span’s traceparent, and the asked service’s SERVER span (named with its router’s mount) is its child', async () => {
      expect(await withSpan({ name: 'tool call' }, () => ask('?caller=%2B4917612345678'))).toBe(200);
      const caller = named('tool call', SpanKind.INTERNAL)[0]!;
      const client = named('POST /internal/availability', SpanKind.CLIENT)[0]!;
      const server = await ended('POST /internal/availability', SpanKind.SERVER);
      expect(client.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
      expect(received).toEqual([`00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`]);
      expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
      expect(server.spanContext().traceId).toBe(caller.spanContext().traceId);
      expect(server.attributes['http.route']).toBe('/internal/availability');
      // host, port, template and status: never the URL with its query, nor the token
      expect(client.attributes).toEqual({
        'http.request.method': 'POST',
        'url.template': '/internal/availability',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(base).port),
        'http.response.status_code': 200,
      });
      expect(client.status.code).toBe(SpanStatusCode.UNSET);
      const said = JSON.stringify(tracing.spans().map((s) => [s.name, s.attributes, s.events]));
      expect(said).not.toMatch(/4917612345678|secret-query-token|\?/);
    });

    it('when the answer is a 5xx or the exchange fails, then the CLIENT span is an error with the status or the code', async () => {
      expect(await ask('?down=1')).toBe(503);
      const failed = named('POST /internal/availability', SpanKind.CLIENT)[0]!;
      expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: '503' });
      expect(failed.attributes['error.type']).toBe('503');

      await withHttpClientSpan({ method: 'POST', route: '/internal/customers', url: base }, async (call) =>
        call.failed('timeout'),
      );
      const late = named('POST /internal/customers', SpanKind.CLIENT)[0]!;
      expect(late.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
    });

    it('when a router is mounted under a parameter, then its SERVER span is named by the route below the mount, never by the value', async () => {
      expect((await fetch(`${base}/companies/5f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e01/statements`)).status).toBe(204);
      const server = await ended('GET /statements', SpanKind.SERVER);
      expect(server.attributes['http.route']).toBe('/statements');
    });
  });

  it('when tracing is off, then the request goes without a traceparent and nothing is recorded', async () => {
    expect(await ask()).toBe(200);
    expect(received).toEqual([undefined]);
  });
});
