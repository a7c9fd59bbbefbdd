import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingIntentEvent, CallLifecycleEvent } from '@rb/contracts';
import { registerValueSchema, RetellWebhookEventValueSchema } from '@rb/contracts';
import type { OutcomeReport, Sql, Transactions } from '@rb/kafka-runner';
import { deadLetterTopic } from '@rb/kafka-runner';
import type { Registry } from 'prom-client';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import {
  callProcessorConfig,
  createCallProcessorDatabase,
  storedCallInbound,
  storedRetellEvent,
} from '../../test/call-processor-harness';
import {
  createTopic,
  messageCount,
  readAll,
  testKafka,
  testRegistryUrl,
  uniqueName,
  withAdmin,
} from '../../../../test/support/kafka';
import { startCallProcessor } from '../service';
import { loadCallEvents, loadCallState } from './call-repository';
import { emptyCall, evolve } from './call-state';

/** Integration: the service as it is wired, against the real broker, PostgreSQL and schema registry. */
requireSharedDir();
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
let retellSchemaId: number;
/** where the service writes: topics of this file's own, so its relay publishes nothing elsewhere */
const outTopics = {
  lifecycle: uniqueName('it.lifecycle'),
  intents: uniqueName('it.intents'),
  directory: uniqueName('it.directory'),
};
let statements = 0;

beforeAll(async () => {
  db = await createCallProcessorDatabase();
  await Promise.all(Object.values(outTopics).map((topic) => createTopic(topic)));
  retellSchemaId = await registerValueSchema(testRegistryUrl(), uniqueName('it.retell'), RetellWebhookEventValueSchema);
});
afterAll(() => db.drop());

/** Counts every statement the handler's transactions run, besides BEGIN/COMMIT. */
const countingTransactions =
  (inner: Transactions): Transactions =>
  (work) =>
    inner((sql) =>
      work({
        query: <Row>(text: string, params?: unknown[]) => {
          statements++;
          return sql.query<Row>(text, params);
        },
      } as Sql),
    );

/** A fixture body, loosely typed so tests can bend any field. */
interface Body {
  event: string;
  call: Record<string, unknown> & {
    call_id: string;
    call_analysis?: { custom_analysis_data: Record<string, unknown> };
  };
}

/** A fixture webhook as ingress stores it, with its own call id (so each test has its own calls). */
function webhook(file: string, callId: string, change: (body: Body) => void = () => undefined) {
  const body = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8')) as Body;
  body.call.call_id = callId;
  change(body);
  return storedRetellEvent(retellSchemaId, body);
}
const STARTED = '01-call_started.salon-inbound.json';
const ENDED = '02-call_ended.salon-inbound.json';
const ANALYSED = '03-call_analyzed.salon-inbound.json';
const NO_ANSWER = '04-call_ended.praxis-outbound-no-answer.json';
const TRANSFERRED = '07-call_analyzed.praxis-inbound-transfer.json';
const notBookedYet = (b: Body) => (b.call.call_analysis!.custom_analysis_data.termin_gebucht = false);

async function run(
  messages: ReturnType<typeof webhook>[],
  groupId = uniqueName('it.call-processor'),
  topic?: string,
  maxChunkSize = 1,
) {
  const inTopic = topic ?? uniqueName('it.retell-events');
  if (!topic) await Promise.all([createTopic(inTopic, 3), createTopic(deadLetterTopic(inTopic))]);
  const reports: OutcomeReport[] = [];
  const producer = testKafka().producer();
  await producer.connect();
  // a rerun on an existing topic reads what is there again instead of sending it twice
  if (!topic && maxChunkSize > 1) await producer.send({ topic: inTopic, messages });
  else if (!topic) for (const m of messages) await producer.send({ topic: inTopic, messages: [m] });
  await producer.disconnect();
  // the service loads the directory as it is in the database now
  const service = await startCallProcessor(
    callProcessorConfig(db.url, {
      KAFKA_GROUP_ID: groupId,
      MAX_ATTEMPTS: '2',
      CONSUMER_CONCURRENCY: '1',
      CONSUMER_CHUNK_SIZE: String(maxChunkSize),
    }),
    {
      topics: { retell: inTopic, ...outTopics },
      backoff: { initialMs: 10, maxMs: 20 },
      consumerTransactions: countingTransactions,
      onOutcome: (r) => reports.push(r),
    },
  );
  const deadline = Date.now() + 30_000;
  while (reports.filter((r) => r.outcome !== 'retried').length < messages.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const unrouted = await unroutedOf(service.registry);
  await service.stop();
  return { reports, unrouted, inTopic, groupId };
}

/** The unrouted calls the service counted, one reason per call. */
async function unroutedOf(registry: Registry): Promise<string[]> {
  const metric = await registry.getSingleMetric('call_processor_unrouted_calls_total')!.get();
  return metric.values.flatMap((v) => Array<string>(v.value).fill(String(v.labels.reason))).sort();
}

async function emitted(callId: string): Promise<(CallLifecycleEvent | BookingIntentEvent)[]> {
  const rows = (await db.dataSource.query('SELECT value FROM outbox WHERE key = $1 ORDER BY id', [callId])) as {
    value: Buffer;
  }[];
  return rows.map((r) => JSON.parse(r.value.subarray(5).toString()) as CallLifecycleEvent | BookingIntentEvent);
}

describe('call-processor: Retell events → call record → lifecycle events and booking intents', () => {
  it('when the events arrive duplicated and out of order, then the call converges and exactly one booking intent is emitted', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const analysed = webhook(ANALYSED, callId, notBookedYet);
    statements = 0;
    const { reports } = await run([
      analysed,
      webhook(STARTED, callId),
      analysed,
      webhook(ENDED, callId),
      webhook(ENDED, callId),
    ]);
    expect(reports.map((r) => r.outcome).sort()).toEqual([
      'duplicate',
      'duplicate',
      'processed',
      'processed',
      'processed',
    ]);
    const events = await emitted(callId);
    expect(events.map((e) => e.type)).toEqual([
      'call.routed.v1',
      'call.ended.v1',
      'call.analysed.v1',
      'booking.intent-requested.v1',
    ]);
    expect(events[2]).toMatchObject({ type: 'call.analysed.v1', outcome: 'booking_intent' });
    expect(events[3]).toMatchObject({
      type: 'booking.intent-requested.v1',
      idempotencyKey: `${callId}:booking-intent`,
      requestedStart: { utc: '2026-10-16T12:30:00Z', local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
      service: { calcomEventTypeId: 1201 },
      customer: { phone: '+4917612345678', name: 'Sabine Krüger' },
    });
    expect(events[1]).toMatchObject({
      type: 'call.ended.v1',
      durationMs: 53710,
      retellCost: { combinedCostCents: 9.09 },
    });
    // at most 4 statements per processed event (inbox claim, append + read, save, outbox) and one per
    // duplicate (the claim): 3 processed and 2 duplicates; no directory query on this path
    expect(statements).toBeLessThanOrEqual(3 * 4 + 2 * 1);

    // the replay: folding the stored events gives the stored state
    const stored = await db.dataSource.transaction((m) => loadCallState({ query: (t, p) => m.query(t, p) }, callId));
    const replayed = (
      await db.dataSource.transaction((m) => loadCallEvents({ query: (t, p) => m.query(t, p) }, callId))
    ).reduce(evolve, emptyCall(callId));
    expect(replayed).toEqual(stored);
  });

  it('when the offsets were lost after the transactions committed, then the redelivery emits nothing again', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const messages = [webhook(STARTED, callId), webhook(ENDED, callId), webhook(ANALYSED, callId, notBookedYet)];
    const first = await run(messages);
    const before = (await emitted(callId)).length;
    await withAdmin((admin) => admin.resetOffsets({ groupId: first.groupId, topic: first.inTopic, earliest: true }));
    const again = await run(messages, first.groupId, first.inTopic);
    expect(again.reports.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect((await emitted(callId)).length).toBe(before);
    expect((await emitted(callId)).filter((e) => e.type === 'booking.intent-requested.v1')).toHaveLength(1);
  });

  it('when the agent booked during the call, then the analysis says so and no intent is emitted', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(STARTED, callId), webhook(ANALYSED, callId)]);
    const events = await emitted(callId);
    expect(events.map((e) => e.type)).toEqual(['call.routed.v1', 'call.ended.v1', 'call.analysed.v1']);
    expect(events[2]).toMatchObject({ outcome: 'handled_during_call' });
  });

  it('when the dialled number is unknown, then the call is recorded as unrouted, counted, and nothing is retried', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const unknown = (b: Body) => (b.call.to_number = '+4989000000000');
    const { reports, unrouted } = await run([webhook(STARTED, callId, unknown), webhook(ANALYSED, callId, unknown)]);
    expect(reports.map((r) => r.outcome)).toEqual(['processed', 'processed']);
    expect(unrouted).toEqual(['unknown_number']);
    const events = await emitted(callId);
    expect(events).toEqual([
      { type: 'call.unrouted.v1', callId, reason: 'unknown_number', businessNumber: '+4989000000000' },
      expect.objectContaining({ type: 'call.ended.v1', attribution: null }),
      expect.objectContaining({ type: 'call.analysed.v1', outcome: 'unrouted' }),
    ]);
    const [row] = (await db.dataSource.query('SELECT routing FROM calls WHERE call_id = $1', [callId])) as {
      routing: string;
    }[];
    expect(row).toEqual({ routing: 'unrouted' });
    expect(events[1]).toMatchObject({ line: null });
  });

  it('when an event violates the contract, then it goes to the DLQ and the next event of the call is processed', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const broken = webhook(ENDED, callId, (b) => (b.call.duration_ms = 'long'));
    const { reports, inTopic } = await run([broken, webhook(STARTED, callId)]);
    expect(reports.map((r) => r.outcome)).toEqual(['dead_lettered', 'processed']);
    const [dead] = await readAll(deadLetterTopic(inTopic));
    expect(dead?.headers?.dlq_error_code?.toString()).toBe('CONTRACT_VIOLATION');
    expect(dead?.headers?.dlq_error_message?.toString()).toMatch(/call\.duration_ms/);
  });

  it('when a call_inbound record (no call object) is on the topic, then it is skipped, not dead-lettered, the next event of the partition is processed and the offset moves past both', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const ring = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '08-call_inbound.request.json'), 'utf8')) as {
      event: 'call_inbound';
      call_inbound: { call_id: string; from_number: string; to_number: string };
    };
    ring.call_inbound.call_id = callId;
    // keyed by the call, so both are on one partition, the ring first
    const { reports, groupId, inTopic } = await run([
      storedCallInbound(retellSchemaId, ring),
      webhook(STARTED, callId),
    ]);

    expect(reports.map((r) => [r.eventType, r.outcome])).toEqual([
      ['unknown', 'processed'],
      ['call_started', 'processed'],
    ]);
    expect(await messageCount(deadLetterTopic(inTopic))).toBe(0);
    expect((await emitted(callId)).map((e) => e.type)).toEqual(['call.routed.v1']);
    // the partition's committed offset is past both records; the other partitions had none
    const [committed] = await withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [inTopic] }));
    expect(committed?.partitions.map((p) => p.offset).sort()).toEqual(['-1', '-1', '2']);
  });

  it('when an event stored before ingress bounded its fields (an agent name past 256 characters) is consumed, then it is processed, not dead-lettered', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const stored = webhook(ENDED, callId, (b) => (b.call.agent_name = 'Mia '.repeat(100)));
    const { reports } = await run([stored]);
    expect(reports.map((r) => r.outcome)).toEqual(['processed']);
  });

  it('when the number is deactivated during the call, then the call keeps its business and its intent', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(STARTED, callId)]);
    await db.dataSource.query("UPDATE phone_numbers SET active = false WHERE number = '+4922198765430'");
    try {
      await run([webhook(ANALYSED, callId, notBookedYet)]);
    } finally {
      await db.dataSource.query("UPDATE phone_numbers SET active = true WHERE number = '+4922198765430'");
    }
    expect((await emitted(callId)).map((e) => e.type)).toEqual([
      'call.routed.v1',
      'call.ended.v1',
      'call.analysed.v1',
      'booking.intent-requested.v1',
    ]);
  });

  it("when a call ends and call_analyzed reports another cost, then call.ended.v1 carries the start, direction, line, Twilio SID and call_ended's whole cost, and call.analysed.v1 call_analyzed's", async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    const revised = (b: Body) => {
      const cost = b.call.call_cost as { combined_cost: number; product_costs: { cost: number }[] };
      cost.combined_cost = 9.5;
      cost.product_costs[0]!.cost = 6.71;
    };
    await run([webhook(STARTED, callId), webhook(ENDED, callId), webhook(ANALYSED, callId, revised)]);
    const events = await emitted(callId);
    expect(events.map((e) => e.type)).toEqual(['call.routed.v1', 'call.ended.v1', 'call.analysed.v1']);
    expect(events[1]).toEqual({
      type: 'call.ended.v1',
      callId,
      attribution: expect.objectContaining({ companyId: expect.any(String) }),
      startedAt: '2026-10-13T07:41:07.412Z',
      endedAt: '2026-10-13T07:42:01.122Z',
      durationMs: 53710,
      disconnectionReason: 'agent_hangup',
      direction: 'inbound',
      line: { numberKind: 'retell', numberType: null },
      twilioCallSid: 'CAbcdc9a4381c25bd572070f9814b4cfe2',
      retellCost: {
        combinedCostCents: 9.09,
        totalDurationSeconds: 54,
        totalDurationUnitPriceCents: 0.1684,
        productCosts: [
          { product: 'retell_platform', costCents: 6.3, unitPriceCents: 0.1167, transferLeg: false },
          { product: 'gpt_4_1_mini', costCents: 1.44, unitPriceCents: 0.0267, transferLeg: false },
          { product: 'retell_telephony', costCents: 1.35, unitPriceCents: 0.025, transferLeg: false },
        ],
      },
    });
    expect(events[2]).toMatchObject({
      type: 'call.analysed.v1',
      retellCost: {
        combinedCostCents: 9.5,
        totalDurationUnitPriceCents: 0.1684,
        productCosts: [expect.objectContaining({ product: 'retell_platform', costCents: 6.71 }), {}, {}],
      },
    });
  });

  it("when call_analyzed carries no call_cost, then call.analysed.v1 has none while call.ended.v1 keeps call_ended's", async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(ENDED, callId), webhook(ANALYSED, callId, (b) => delete b.call.call_cost)]);
    const events = await emitted(callId);
    expect(events[1]).toMatchObject({ type: 'call.ended.v1', retellCost: { combinedCostCents: 9.09 } });
    expect(events[2]).toMatchObject({ type: 'call.analysed.v1', retellCost: null });
  });

  it('when an outbound call was never answered, then call.ended.v1 has no start, and names the imported Twilio line and its SID', async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(NO_ANSWER, callId)]);
    const events = await emitted(callId);
    expect(events.map((e) => e.type)).toEqual(['call.routed.v1', 'call.ended.v1']);
    expect(events[1]).toMatchObject({
      startedAt: null,
      durationMs: 0,
      disconnectionReason: 'dial_no_answer',
      direction: 'outbound',
      line: { numberKind: 'twilio_imported', numberType: 'local' },
      twilioCallSid: 'CAe2c513d5631d0414ee9f13091c58036b',
      retellCost: { combinedCostCents: 0, totalDurationSeconds: 0, totalDurationUnitPriceCents: 0, productCosts: [] },
    });
  });

  it("when call_analyzed with a transfer leg's cost comes first, then both events keep the transfer-leg flag", async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(TRANSFERRED, callId)]);
    const [, ended, analysed] = await emitted(callId);
    const telephony = [
      { product: 'retell_telephony', costCents: 3.8, unitPriceCents: 0.025, transferLeg: false },
      { product: 'retell_telephony', costCents: 2.43, unitPriceCents: 0.025, transferLeg: true },
    ];
    expect(ended).toMatchObject({
      type: 'call.ended.v1',
      startedAt: '2026-10-14T09:18:22.905Z',
      line: { numberKind: 'twilio_imported', numberType: 'local' },
      retellCost: { combinedCostCents: 35.37, productCosts: [{}, {}, ...telephony] },
    });
    expect(analysed).toMatchObject({ type: 'call.analysed.v1', retellCost: { productCosts: [{}, {}, ...telephony] } });
  });

  it("when the number's kind changes during the call, then the call keeps the line it was routed on", async () => {
    const callId = uniqueName('call').replace('.', '_'); // a Retell-shaped id: no dots
    await run([webhook(STARTED, callId)]);
    await db.dataSource.query(
      "UPDATE phone_numbers SET number_kind = 'twilio_imported' WHERE number = '+4922198765430'",
    );
    try {
      await run([webhook(ENDED, callId)]);
    } finally {
      await db.dataSource.query("UPDATE phone_numbers SET number_kind = 'retell' WHERE number = '+4922198765430'");
    }
    const ended = (await emitted(callId)).find((e) => e.type === 'call.ended.v1');
    expect(ended).toMatchObject({ line: { numberKind: 'retell', numberType: null } });
  });

  it('when a call_events row is changed afterwards, then the database refuses it (append-only)', async () => {
    await expect(db.dataSource.query("UPDATE call_events SET stage = 'x'")).rejects.toThrow(/append-only/);
  });
});

describe("call-processor in chunks (set-based statements for a partition's fetched events)", () => {
  /** Every kind of call, duplicated and out of order; `tag` makes the call ids of one run its own. */
  function mixedEvents(tag: string) {
    const id = (name: string) => `call_${name}_${tag}`;
    const unknown = (b: Body) => (b.call.to_number = '+4989000000000');
    const stranger = (b: Body) => (b.call.from_number = '+4917699887766');
    return [
      webhook(ANALYSED, id('wish'), notBookedYet),
      webhook(STARTED, id('booked')),
      webhook(STARTED, id('wish')),
      webhook(ANALYSED, id('wish'), notBookedYet),
      webhook(STARTED, id('unknown'), unknown),
      webhook(ENDED, id('wish')),
      webhook(ANALYSED, id('booked')),
      webhook(ENDED, id('late'), stranger),
      webhook(ANALYSED, id('unknown'), unknown),
      webhook(ENDED, id('wish')),
      webhook(ANALYSED, id('late'), (b) => {
        stranger(b);
        notBookedYet(b);
      }),
      webhook(STARTED, id('late'), stranger),
    ];
  }
  const names = ['wish', 'booked', 'unknown', 'late'];

  /** What a run left for one call, with its call id taken out so two runs compare. */
  async function outcomeOf(name: string, tag: string) {
    const callId = `call_${name}_${tag}`;
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value).split(callId).join('CALL')) as unknown;
    const rows = (await db.dataSource.query(
      `SELECT routing, company_id, branch_id, phone_number_id, customer_id IS NOT NULL AS has_customer, state, transcript,
              (SELECT count(*) FROM call_events e WHERE e.call_id = calls.call_id)::int AS events
       FROM calls WHERE call_id = $1`,
      [callId],
    )) as unknown[];
    const events = (await emitted(callId)).map((e) => {
      const copy = strip(e) as Record<string, unknown>;
      if ('customer' in copy) copy.customer = { ...(copy.customer as object), id: 'some customer' };
      if ('customerId' in copy && copy.customerId) copy.customerId = 'some customer';
      return copy;
    });
    return { rows: rows.map(strip), events };
  }

  it('when mixed, duplicated and reordered events are handled in chunks, then the calls and the emitted events equal event-by-event handling, in fewer statements', async () => {
    const single = uniqueName('s').replace(/\W/g, '');
    const chunked = uniqueName('c').replace(/\W/g, '');
    statements = 0;
    const one = await run(mixedEvents(single));
    const statementsOne = statements;
    statements = 0;
    const many = await run(mixedEvents(chunked), undefined, undefined, 100);
    const statementsMany = statements;

    const outcomes = (r: typeof one) => r.reports.map((x) => x.outcome).sort();
    expect(outcomes(many)).toEqual(outcomes(one));
    expect(many.unrouted).toEqual(one.unrouted);
    for (const name of names) {
      const [a, b] = [await outcomeOf(name, single), await outcomeOf(name, chunked)];
      expect(b).toEqual(a);
      expect(a.rows).toHaveLength(1);
    }
    // the wish call's intent, once
    const intents = (await emitted(`call_wish_${chunked}`)).filter((e) => e.type === 'booking.intent-requested.v1');
    expect(intents).toHaveLength(1);
    // 12 messages over 3 partitions: a handful of statements per chunk instead of up to 4 per event
    expect(statementsMany).toBeLessThan(statementsOne / 2);
  });
});
