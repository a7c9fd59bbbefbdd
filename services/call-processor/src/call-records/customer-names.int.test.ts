import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingIntentEvent, CallLifecycleEvent } from '@rb/contracts';
import { registerValueSchema, RetellWebhookEventValueSchema } from '@rb/contracts';
import type { OutcomeReport } from '@rb/kafka-runner';
import { deadLetterTopic } from '@rb/kafka-runner';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { createTopic, testKafka, testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { callProcessorConfig, createCallProcessorDatabase, storedRetellEvent } from '../../test/call-processor-harness';
import { startCallProcessor } from '../service';

/**
 * Integration: a customer keeps the name its calls' booking intents brought, through the service
 * as it is wired, against the real broker, PostgreSQL and schema registry.
 */
requireSharedDir();
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
let retellSchemaId: number;
const outTopics = {
  lifecycle: uniqueName('it.lifecycle'),
  intents: uniqueName('it.intents'),
  directory: uniqueName('it.directory'),
};

beforeAll(async () => {
  db = await createCallProcessorDatabase();
  await Promise.all(Object.values(outTopics).map((topic) => createTopic(topic)));
  retellSchemaId = await registerValueSchema(testRegistryUrl(), uniqueName('it.retell'), RetellWebhookEventValueSchema);
});
afterAll(() => db.drop());

interface Body {
  event: string;
  call: Record<string, unknown> & {
    call_id: string;
    transcript: string;
    call_analysis: { custom_analysis_data: Record<string, unknown> };
  };
}

/** A caller of this test's own, so no other test's calls name them. */
const newCaller = () => `+49176${randomInt(1_000_000, 9_999_999)}`;
const newCallId = () => uniqueName('call').replace(/\W/g, '_');

/**
 * The salon fixture's event for `caller`'s call; the analysed one not booked during the call, so
 * it asks for a booking (the transcript names "Sabine Krüger").
 */
function event(file: 'started' | 'analysed', callId: string, caller: string, change: (b: Body) => void = () => {}) {
  const name = file === 'started' ? '01-call_started.salon-inbound.json' : '03-call_analyzed.salon-inbound.json';
  const body = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, name), 'utf8')) as Body;
  body.call.call_id = callId;
  body.call.from_number = caller;
  if (file === 'analysed') body.call.call_analysis.custom_analysis_data.termin_gebucht = false;
  change(body);
  return storedRetellEvent(retellSchemaId, body);
}
const namedInAnalysis = (name: string) => (b: Body) => (b.call.call_analysis.custom_analysis_data.kundenname = name);
const nameless = (b: Body) => (b.call.transcript = b.call.transcript.replace('Hallo, Sabine Krüger hier. ', 'Hallo. '));

/** Consumes `messages` (one partition, in this order) in chunks of up to `chunkSize`, then stops. */
async function consume(messages: ReturnType<typeof event>[], chunkSize = 1): Promise<OutcomeReport[]> {
  const topic = uniqueName('it.retell-events');
  await Promise.all([createTopic(topic), createTopic(deadLetterTopic(topic))]);
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
  const reports: OutcomeReport[] = [];
  const service = await startCallProcessor(
    callProcessorConfig(db.url, { CONSUMER_CHUNK_SIZE: String(chunkSize), MAX_ATTEMPTS: '2' }),
    {
      topics: { retell: topic, ...outTopics },
      backoff: { initialMs: 10, maxMs: 20 },
      onOutcome: (r) => reports.push(r),
    },
  );
  const deadline = Date.now() + 30_000;
  while (reports.filter((r) => r.outcome !== 'retried').length < messages.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await service.stop();
  return reports;
}

/** The salon's customer with this number, if any. */
async function customer(phone: string): Promise<{ id: string; name: string | null } | undefined> {
  const rows = (await db.dataSource.query(
    `SELECT cu.id, cu.name FROM customers cu JOIN companies co ON co.id = cu.company_id
     WHERE co.slug = 'salon-haarmonie' AND cu.phone = $1`,
    [phone],
  )) as { id: string; name: string | null }[];
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

async function intentOf(callId: string): Promise<BookingIntentEvent> {
  const rows = (await db.dataSource.query('SELECT value FROM outbox WHERE key = $1 ORDER BY id', [callId])) as {
    value: Buffer;
  }[];
  const events = rows.map((r) => JSON.parse(r.value.subarray(5).toString()) as CallLifecycleEvent | BookingIntentEvent);
  const intent = events.find((e): e is BookingIntentEvent => e.type === 'booking.intent-requested.v1');
  if (!intent) throw new Error(`no booking intent for ${callId}: ${events.map((e) => e.type).join(', ')}`);
  return intent;
}

describe("a customer's name, from their calls' booking intents", () => {
  it('when a call that was started earlier is analysed with a name, then its customer has that name', async () => {
    const [caller, callId] = [newCaller(), newCallId()];
    await consume([event('started', callId, caller)]);
    expect(await customer(caller)).toMatchObject({ name: null });

    expect((await consume([event('analysed', callId, caller)])).map((r) => r.outcome)).toEqual(['processed']);

    const saved = await customer(caller);
    expect(saved).toEqual({ id: expect.any(String), name: 'Sabine Krüger' });
    expect((await intentOf(callId)).customer).toEqual({ id: saved!.id, name: 'Sabine Krüger', phone: caller });
  });

  it('when a later call names the caller otherwise, then the new name replaces the old one; when a call after it names nobody, then the name is kept', async () => {
    const caller = newCaller();
    const [first, second, third] = [newCallId(), newCallId(), newCallId()];
    // each call's first event is its analysis: new calls, whose customer is recognised as they are saved
    await consume([event('analysed', first, caller)]);
    expect(await customer(caller)).toMatchObject({ name: 'Sabine Krüger' });

    await consume([event('analysed', second, caller, namedInAnalysis('Sabine Brandt'))]);
    const renamed = await customer(caller);
    expect(renamed).toMatchObject({ name: 'Sabine Brandt' });
    expect((await intentOf(second)).customer).toEqual({ id: renamed!.id, name: 'Sabine Brandt', phone: caller });

    await consume([event('analysed', third, caller, nameless)]);
    expect((await intentOf(third)).customer).toEqual({ id: renamed!.id, name: null, phone: caller });
    expect(await customer(caller)).toEqual(renamed);
  });

  it('when two calls of one customer bring names in one chunk, a stored call and a new one, then the later name wins', async () => {
    const caller = newCaller();
    const [earlier, later] = [newCallId(), newCallId()];
    await consume([event('started', earlier, caller)]);

    const reports = await consume(
      [
        event('analysed', earlier, caller, namedInAnalysis('Anna Alt')),
        event('analysed', later, caller, namedInAnalysis('Berta Neu')),
        event('started', later, caller),
      ],
      100,
    );

    expect(reports.map((r) => r.outcome)).toEqual(['processed', 'processed', 'processed']);
    const saved = await customer(caller);
    expect(saved).toMatchObject({ name: 'Berta Neu' });
    expect((await intentOf(earlier)).customer).toMatchObject({ id: saved!.id, name: 'Anna Alt' });
    expect((await intentOf(later)).customer).toMatchObject({ id: saved!.id, name: 'Berta Neu' });
  });

  it('when a call names the caller but has no caller number, then no customer is made or named', async () => {
    const callId = newCallId();
    const before = (await db.dataSource.query('SELECT count(*)::int AS n FROM customers')) as { n: number }[];
    await consume([event('analysed', callId, '', (b) => delete b.call.from_number)]);
    expect((await intentOf(callId)).customer).toEqual({ id: null, name: 'Sabine Krüger', phone: null });
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM customers')).toEqual(before);
  });
});
