import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import express from 'express';
import { httpServerSpans, tagActiveSpan, withSpan } from './spans';
import type { InMemoryTracing } from './tracing';
import { startInMemoryTracing } from './tracing';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN = 'b7ad6b7169203331';

describe('spans', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = startInMemoryTracing('spans-test');
  });
  afterEach(() => tracing.shutdown());
  const named = (name: string) => tracing.spans().find((s) => s.name === name);
  /** the server span ends when the response closes, which may come just after the client has its answer */
  const ended = async (name: string) => {
    for (let i = 0; i < 100 && !named(name); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return named(name)!;
  };

  it('when the active span is tagged, then it records the attributes; with no span active, nothing happens', async () => {
    tagActiveSpan({ 'rb.call_id': 'call_outside' });
    await withSpan({ name: 'POST /webhooks/retell' }, async () => tagActiveSpan({ 'rb.call_id': 'call_42' }));
    expect(tracing.spans().map((s) => [s.name, s.attributes])).toEqual([
      ['POST /webhooks/retell', { 'rb.call_id': 'call_42' }],
    ]);
  });

  it('when the work throws, then its span is an error with the error’s code (never its message) and the error goes on', async () => {
    const failure = Object.assign(new Error('Cal.com says: Sabine Krüger +4917612345678 is taken'), {
      code: 'CALCOM_SLOT_TAKEN',
    });
    await expect(
      withSpan({ name: 'POST /v2/bookings', kind: SpanKind.CLIENT }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const span = named('POST /v2/bookings')!;
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CALCOM_SLOT_TAKEN' });
    expect(span.attributes['error.type']).toBe('CALCOM_SLOT_TAKEN');
    expect(JSON.stringify(span.attributes) + JSON.stringify(span.events)).not.toContain('Sabine');
  });

  describe('httpServerSpans', () => {
    let server: Server;
    let url: string;
    let incoming: 'parent' | 'link' | undefined;
    beforeEach(async () => {
      const app = express();
      app.use((req, res, next) => httpServerSpans(incoming ? { incoming } : {})(req, res, next));
      // the body read from stream events, as ingress reads it, before the handler runs
      app.post('/webhooks/:kind', (req, res, next) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          res.locals.body = Buffer.concat(chunks);
          next();
        });
      });
      app.post('/webhooks/:kind', async (req, res) => {
        await withSpan({ name: 'use case' }, async () => undefined);
        res.status(req.params.kind === 'broken' ? 503 : 204).end();
      });
      await new Promise<void>((resolve) => {
        server = app.listen(0, '127.0.0.1', () => resolve());
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('when a request comes with a traceparent, then its SERVER span is a child of it, named by the route template, and the use case’s span a child of the request’s', async () => {
      const response = await fetch(`${url}/webhooks/retell?branch_id=br_1`, {
        method: 'POST',
        headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` },
        body: '{"event":"call_started"}',
      });
      expect(response.status).toBe(204);
      const server = await ended('POST /webhooks/:kind');
      expect(server.kind).toBe(SpanKind.SERVER);
      expect(server.spanContext().traceId).toBe(TRACE_ID);
      expect(server.parentSpanContext?.spanId).toBe(PARENT_SPAN);
      expect(server.attributes).toEqual({
        'http.request.method': 'POST',
        'http.route': '/webhooks/:kind',
        'http.response.status_code': 204,
      });
      expect(server.status.code).toBe(SpanStatusCode.UNSET);
      const useCase = named('use case')!;
      expect(useCase.spanContext().traceId).toBe(TRACE_ID);
      expect(useCase.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    });

    it('when a public listener (incoming link) gets a traceparent, then its SERVER span starts a trace of its own, linked to the incoming context, and the work below follows the new trace', async () => {
      incoming = 'link';
      try {
        const response = await fetch(`${url}/webhooks/retell`, {
          method: 'POST',
          headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` },
          body: '{"event":"call_started"}',
        });
        expect(response.status).toBe(204);
        const server = await ended('POST /webhooks/:kind');
        expect(server.parentSpanContext).toBeUndefined();
        expect(server.spanContext().traceId).not.toBe(TRACE_ID);
        expect(server.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
          [TRACE_ID, PARENT_SPAN],
        ]);
        const useCase = named('use case')!;
        expect(useCase.spanContext().traceId).toBe(server.spanContext().traceId);
        expect(useCase.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      } finally {
        incoming = undefined;
      }
    });

    it('when the answer is a 5xx, then the span is an error; a request without a traceparent starts a trace', async () => {
      expect((await fetch(`${url}/webhooks/broken`, { method: 'POST', body: '{}' })).status).toBe(503);
      const server = await ended('POST /webhooks/:kind');
      expect(server.parentSpanContext).toBeUndefined();
      expect(server.status).toEqual({ code: SpanStatusCode.ERROR, message: '503' });
    });
  });
});
