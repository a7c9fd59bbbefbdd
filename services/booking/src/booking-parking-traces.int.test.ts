import { randomUUID } from 'node:crypto';
import type { BookingIntentRequestedV1 } from '@rb/contracts';
import {
  BookingIntentEventSchema,
  frameJson,
  newTraceparent,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { messageLogFields } from '@rb/kafka-runner';
import type { InMemoryTracing } from '@rb/observability';
import { createLogger, SpanKind, startInMemoryTracing } from '@rb/observability';
import { readAll, testKafka, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import { admin, createTopics, makeIntent, outcomeReader, startService, waitFor } from '../test/booking-harness';
import { startStatefulCalcom } from '../test/stateful-calcom';
import type { Fetch } from './calcom/calcom-client';
import { MIGRATIONS } from './infra/db/migrations';

/**
 * Integration, with tracing on: intents parked while their Cal.com was down are re-driven later,
 * by a loop some other message's handling woke. Each re-drive must continue its own intent's
 * trace and log its own ids, never those of the message that armed the loop.
 */
jest.setTimeout(90_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tracing: InMemoryTracing;
beforeAll(async () => {
  db = await createTestDatabase('booking_parking_traces', MIGRATIONS);
  tracing = startInMemoryTracing('booking-parking-traces');
});
afterAll(async () => {
  await tracing.shutdown();
  await db.drop();
});

const clock = () => new Date('2026-10-01T08:00:00Z');
const idsOf = (traceparent: string) => {
  const [, traceId, spanId] = traceparent.split('-');
  return { traceId: traceId!, spanId: spanId! };
};

/** Sends an intent as call-processor does, with a trace of its own. */
async function tracedSender(topic: string) {
  const schemaId = await registerValueSchema(testRegistryUrl(), topic, BookingIntentEventSchema);
  const producer = testKafka().producer();
  await producer.connect();
  return {
    async send(intent: BookingIntentRequestedV1, eventId: string, traceparent: string): Promise<void> {
      const headers = toKafkaHeaders({
        id: eventId,
        type: intent.type,
        source: '/retell-booking/call-processor',
        time: new Date().toISOString(),
        subject: intent.callId,
        correlationId: intent.callId,
        traceparent,
      });
      await producer.send({
        topic,
        messages: [{ key: intent.callId, value: frameJson(schemaId, Buffer.from(JSON.stringify(intent))), headers }],
      });
    },
    stop: () => producer.disconnect(),
  };
}

it('when two intents were parked while their Cal.com was down, then each re-drive is a CONSUMER span in its own intent’s trace, its outcome names that span, and its log lines carry its own ids, not those of the message whose handling woke the re-driver', async () => {
  const calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('t')}_`, openCalendar: true });
  let down = false;
  const viaFault: Fetch = async (input, init) =>
    down && String(input instanceof Request ? input.url : input).startsWith(calcom.url)
      ? new Response(JSON.stringify({ status: 'error', error: { code: 'ServiceUnavailable', message: 'down' } }), {
          status: 503,
          headers: { 'content-type': 'application/json' },
        })
      : fetch(input, init);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    service: 'booking',
    fields: messageLogFields,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const topics = await createTopics(1);
  // no round on the interval meanwhile: the parkings' due times wake the re-driver
  const env = { PARKED_REDRIVE_INTERVAL_MS: '600000' };
  const service = await startService(db.url, topics, env, { clock, fetch: viaFault, log });
  const sender = await tracedSender(topics.intents);
  const outcomes = await outcomeReader(topics.outcomes);
  const parked = async () =>
    Number((await db.dataSource.query('SELECT count(*) AS n FROM parked_intents'))[0].n as string);
  try {
    const company = randomUUID();
    const account = { baseUrl: calcom.url, kind: 'api_key', token: 'cal_live_good' };
    expect((await admin(service.port, 'PUT', `/companies/${company}/calcom-account`, account)).status).toBe(200);
    down = true;
    // the first intent's parking wakes the re-driver (its timer is armed while that intent is
    // handled); the second is parked behind the same Cal.com and re-driven by the same loop
    const sent = [makeIntent(company, '2026-10-13T08:00:00Z'), makeIntent(company, '2026-10-13T10:00:00Z')].map(
      (intent) => ({ intent, eventId: `${intent.callId}:intent`, traceparent: newTraceparent() }),
    );
    for (const { intent, eventId, traceparent } of sent) await sender.send(intent, eventId, traceparent);
    await waitFor('both parked', async () => (await parked()) === 2);
    down = false;
    await waitFor('both booked', () => sent.every(({ intent }) => outcomes.of(intent.callId).length === 1));
    await waitFor('nothing parked', async () => (await parked()) === 0);

    const published = await readAll(topics.outcomes);
    for (const { intent, eventId, traceparent } of sent) {
      const outcome = published.find((m) => m.key?.toString() === intent.callId)!;
      const named = idsOf(outcome.headers!.traceparent!.toString());
      // the outcome continues its own intent's trace, from the re-drive's span, a child of the span that sent it
      expect(named.traceId).toBe(idsOf(traceparent).traceId);
      const redrive = tracing.spans().find((span) => span.spanContext().spanId === named.spanId)!;
      expect(redrive).toBeDefined();
      expect(redrive.name).toBe(`process ${topics.intents}`);
      expect(redrive.kind).toBe(SpanKind.CONSUMER);
      expect(redrive.parentSpanContext?.spanId).toBe(idsOf(traceparent).spanId);
      expect(redrive.attributes).toMatchObject({ 'messaging.message.id': eventId, 'rb.outcome': 'settled' });
      // the Cal.com calls of the re-drive lie beneath its span
      const beneath = tracing.spans().filter((span) => span.parentSpanContext?.spanId === named.spanId);
      expect(beneath.map((span) => span.name)).toContain('POST /v2/bookings');

      // every line about this intent's branch (its first handling and its re-drives) names this intent
      const about = lines.filter((line) => line.branchId === intent.attribution.branchId);
      expect(about.length).toBeGreaterThanOrEqual(2);
      for (const line of about)
        expect(line).toMatchObject({ ce_id: eventId, correlation_id: intent.callId, trace_id: named.traceId });
    }
  } finally {
    await service.stop();
    await sender.stop();
    await outcomes.stop();
    await calcom.stop();
  }
});
