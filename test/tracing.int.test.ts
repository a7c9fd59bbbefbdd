import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import { BookingOutcomeV1Schema } from '@rb/contracts';
import { decodeContractMessage, toConsumed } from '@rb/kafka-runner/produce';
import type { InMemoryTracing, ReadableSpan } from '@rb/observability';
import { SpanKind, startInMemoryTracing } from '@rb/observability';
import { RETELL_FIXTURES_DIR } from './paths';
import { readAll, testRedisUrl } from './support/kafka';
import type { LiveSystem } from './support/live-system';
import { postSigned, startExampleLiveSystem } from './support/live-system';

/**
 * Integration, end to end with tracing on (one in-memory exporter for the three services, which
 * run in this process): a signed call_analyzed webhook whose analysis wishes a free time goes
 * through ingress, call-processor and booking (stand-in Cal.com) on the real broker, registry,
 * PostgreSQL and Redis, and what it caused forms one trace, hop by hop.
 */
describe('one trace from a signed webhook to a booking outcome', () => {
  const SALON = '+4922198765430';
  const CALLER = '+4917655500123';
  let tracing: InMemoryTracing;
  let system: LiveSystem;

  beforeAll(async () => {
    tracing = startInMemoryTracing('retell-booking');
    system = await startExampleLiveSystem('tracing-test');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await tracing?.shutdown();
  });

  const fixture = (name: string) => readFileSync(join(RETELL_FIXTURES_DIR, name), 'utf8');
  const ring = async (callId: string) => {
    const body = fixture('08-call_inbound.request.json')
      .replace('+493412240870', SALON)
      .replace('+4934155512309', CALLER)
      .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
    const response = await postSigned(system, '/webhooks/retell/inbound', body);
    expect(response.status).toBe(200);
    return ((await response.json()) as { call_inbound: { metadata: unknown } }).call_inbound.metadata;
  };
  const freeStart = async (callId: string, metadata: unknown) => {
    const request = JSON.parse(fixture('11-function.check_availability.request.json'));
    Object.assign(request, { args: { dienstleistung: 'Haare schneiden', datum_von: 'nächsten Dienstag nachmittags' } });
    Object.assign(request.call, { call_id: callId, metadata, from_number: CALLER, to_number: SALON });
    const response = await postSigned(system, '/webhooks/retell/functions/check_availability', JSON.stringify(request));
    const { freie_termine } = (await response.json()) as { freie_termine: { beginn: string }[] };
    return freie_termine[0]!.beginn;
  };
  /** call_analyzed: the analysis wishes `wish`, nothing was booked during the call */
  const analysed = (callId: string, metadata: unknown, wish: string) => {
    const body = JSON.parse(fixture('03-call_analyzed.salon-inbound.json'));
    const now = Date.now();
    const said = [{ role: 'user', content: 'Ich hätte gern einen Termin zum Haare schneiden.', words: [] }];
    Object.assign(body.call, {
      call_id: callId,
      metadata,
      from_number: CALLER,
      to_number: SALON,
      start_timestamp: now - 90_000,
      end_timestamp: now - 5_000,
      transcript: 'User: Ich hätte gern einen Termin zum Haare schneiden.',
      transcript_object: said,
      transcript_with_tool_calls: said,
    });
    Object.assign(body.call.call_analysis.custom_analysis_data, { termin_gebucht: false, termin_beginn: wish });
    return postSigned(system, '/webhooks/retell', JSON.stringify(body));
  };
  const outcomeOf = async (callId: string): Promise<KafkaMessage> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = (await readAll(system.topics.outcomes, 2_000)).find((m) => m.key?.toString() === callId);
      if (found || Date.now() > deadline) return found!;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const until = async <T>(what: string, find: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const idsOf = (traceparent: string) => {
    const [, traceId, spanId] = traceparent.split('-');
    return { traceId: traceId!, spanId: spanId! };
  };

  it('when a call_analyzed webhook leads to a booking, then the webhook’s span, both consumers’ spans, the Cal.com calls and the transactions are one trace, each hop a child of the span that sent its message', async () => {
    const callId = `call_${randomUUID().replaceAll('-', '')}`;
    const metadata = await ring(callId);
    const wish = await freeStart(callId, metadata);
    expect((await analysed(callId, metadata, wish)).status).toBe(204);

    const outcome = await outcomeOf(callId);
    expect(outcome).toBeDefined();
    const decoded = decodeContractMessage(
      toConsumed(system.topics.outcomes, 0, outcome),
      BookingOutcomeV1Schema,
      'outcome',
    );
    expect(decoded.value.type).toBe('booking.confirmed.v1');
    const { traceId, spanId: outcomeFrom } = idsOf(decoded.envelope.traceparent!);
    // the span the outcome names has ended (it ends just after the commit the relay publishes)
    const bySpanId = () => new Map(tracing.spans().map((s) => [s.spanContext().spanId, s]));
    await until('span named by the outcome', () => bySpanId().get(outcomeFrom));
    const trace = tracing.spans().filter((s) => s.spanContext().traceId === traceId);
    const spans = bySpanId();
    const parentOf = (span: ReadableSpan) => spans.get(span.parentSpanContext?.spanId ?? '');
    const within = (span: ReadableSpan, ancestor: ReadableSpan): boolean => {
      for (let at = parentOf(span); at; at = parentOf(at)) if (at === ancestor) return true;
      return false;
    };
    const only = (name: string, kind: SpanKind) => {
      const found = trace.filter((s) => s.name === name && s.kind === kind);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0]!;
    };

    // ingress: the signed webhook, where the trace starts
    const webhook = only('POST /webhooks/retell', SpanKind.SERVER);
    expect(webhook.parentSpanContext).toBeUndefined();
    expect(webhook.attributes).toMatchObject({
      'http.route': '/webhooks/retell',
      'http.response.status_code': 204,
      'rb.call_id': callId,
    });
    // call-processor: the webhook event, consumed as a child of the webhook's span
    const recorded = only(`process ${system.topics.retell}`, SpanKind.CONSUMER);
    expect(parentOf(recorded)).toBe(webhook);
    expect(recorded.attributes['messaging.message.conversation_id']).toBe(callId);
    // booking: the intent call-processor emitted, a child of call-processor's span
    const booked = only(`process ${system.topics.intents}`, SpanKind.CONSUMER);
    expect(parentOf(booked)).toBe(recorded);
    expect(booked.attributes).toMatchObject({ 'rb.outcome': 'processed' });
    // the outcome names booking's span
    expect(outcomeFrom).toBe(booked.spanContext().spanId);

    // Cal.com, called while booking handled the intent: at least the booking itself
    const calcom = trace.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['url.template'] !== undefined);
    expect(calcom.map((s) => s.name)).toContain('POST /v2/bookings');
    for (const call of calcom) {
      expect(within(call, booked)).toBe(true);
      expect(call.attributes['http.response.status_code']).toBeLessThan(300);
    }
    // a transaction beneath each consumer: inbox, change and outbox
    const transactions = trace.filter((s) => s.name === 'transaction postgresql');
    expect(transactions.some((t) => parentOf(t) === recorded)).toBe(true);
    expect(transactions.some((t) => parentOf(t) === booked)).toBe(true);

    // nothing in the trace says who called or what was said
    const said = JSON.stringify(trace.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const personal of [CALLER, CALLER.slice(1), 'Haare schneiden', 'Ich hätte gern']) {
      expect(said).not.toContain(personal);
    }
  }, 90_000);

  it('when a live call rings and asks check_availability, then each question ingress asks is a CLIENT span beneath ingress’s request, and the service asked answers in a SERVER span beneath it, in the same trace', async () => {
    // booking's cached slots of the salon (the test above filled them) are dropped: this question goes to Cal.com
    const salon = system.companies.find((c) => c.slug === 'salon-haarmonie')!;
    const redis = new Redis(testRedisUrl());
    try {
      const cached = await redis.keys(`booking:slots:*${salon.id}*`);
      if (cached.length > 0) await redis.del(...cached);
    } finally {
      redis.disconnect();
    }
    tracing.exporter.reset();
    const callId = `call_${randomUUID().replaceAll('-', '')}`;
    await freeStart(callId, await ring(callId));
    /** the one span named `name` of `kind` beneath `parent` (or a root, without one), once it has ended */
    const one = (name: string, kind: SpanKind, parent?: ReadableSpan) =>
      until(`${name} beneath ${parent?.name ?? 'nothing'}`, () => {
        const found = tracing
          .spans()
          .filter(
            (s) => s.name === name && s.kind === kind && s.parentSpanContext?.spanId === parent?.spanContext().spanId,
          );
        return found.length === 1 ? found[0] : undefined;
      });

    // the phone rings: ingress asks call-processor whether it knows the caller
    const inbound = await one('POST /webhooks/retell/inbound', SpanKind.SERVER);
    // each of the call's requests names it: an operator finds the call's traces by it
    expect(inbound.attributes['rb.call_id']).toBe(callId);
    const lookup = await one('POST /internal/customers', SpanKind.CLIENT, inbound);
    const lookedUp = await one('POST /internal/customers', SpanKind.SERVER, lookup);
    expect(lookup.attributes).toMatchObject({
      'url.template': '/internal/customers',
      'http.response.status_code': 200,
    });
    expect(lookedUp.attributes).toMatchObject({
      'http.route': '/internal/customers',
      'http.response.status_code': 200,
    });
    expect(lookedUp.spanContext().traceId).toBe(inbound.spanContext().traceId);

    // the agent asks for a free time: ingress asks booking (which asks Cal.com beneath its span)
    const tool = await one('POST /webhooks/retell/functions/:name', SpanKind.SERVER);
    expect(tool.attributes['rb.call_id']).toBe(callId);
    const question = await one('POST /internal/availability', SpanKind.CLIENT, tool);
    const answered = await one('POST /internal/availability', SpanKind.SERVER, question);
    expect(question.attributes).toMatchObject({ 'http.response.status_code': 200 });
    expect(answered.attributes).toMatchObject({
      'http.route': '/internal/availability',
      'http.response.status_code': 200,
    });
    expect(answered.spanContext().traceId).toBe(tool.spanContext().traceId);
    // Cal.com (booking's cache had no answer), beneath booking's span
    const calcom = tracing
      .spans()
      .filter(
        (s) =>
          s.spanContext().traceId === tool.spanContext().traceId &&
          s.attributes['url.template'] !== '/internal/availability' &&
          s.kind === SpanKind.CLIENT,
      );
    expect(calcom.length).toBeGreaterThanOrEqual(1);
    for (const call of calcom)
      expect([call.name, call.parentSpanContext?.spanId]).toEqual(['GET /v2/slots', answered.spanContext().spanId]);

    // nothing in either trace says who called, whom, or what was asked
    const traces = new Set([inbound, tool].map((s) => s.spanContext().traceId));
    const trace = tracing.spans().filter((s) => traces.has(s.spanContext().traceId));
    const said = JSON.stringify(trace.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const personal of [CALLER, CALLER.slice(1), SALON.slice(1), 'Haare schneiden', 'nächsten Dienstag']) {
      expect(said).not.toContain(personal);
    }
  }, 60_000);
});
