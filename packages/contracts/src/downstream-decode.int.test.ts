import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { createTopic, testBrokers, testKafka, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import type { Handler } from '../examples/downstream-consumer/downstream-consumer';
import {
  decodeValue,
  makeMessageHandler,
  makeRegistry,
  runDownstreamConsumer,
} from '../examples/downstream-consumer/downstream-consumer';
import { TOPIC_CONTRACTS } from './docs';
import { frameJson, registerValueSchema, toRegistryJsonSchema } from './registry';
import { TOPICS } from './topics';

/**
 * Integration (the real registry, and Kafka for the last test): every topic's messages decoded the
 * way packages/contracts/examples/downstream-consumer decodes them, with the stock client.
 */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const attribution = { companyId: uuid(1), branchId: uuid(2), phoneNumberId: uuid(3) };
const at = (utc: string, local: string) => ({ utc, local, timeZone: 'Europe/Berlin' });
const start = at('2026-10-16T12:30:00.000Z', '2026-10-16T14:30:00');
const end = at('2026-10-16T13:15:00.000Z', '2026-10-16T15:15:00');
const outcome = {
  callId: 'call_1',
  idempotencyKey: 'call_1:booking-intent',
  attribution,
  occurredAt: '2026-10-13T08:05:00.000Z',
};
const calcomBooking = { uid: 'cal_1', eventTypeId: 1201, start, end, status: 'accepted' };
const command = {
  callId: 'call_1',
  commandId: uuid(9),
  idempotencyKey: 'call_1:book',
  attribution,
  caller: { phone: '+4917612345678' },
  requestedAt: '2026-10-13T07:41:00.000Z',
};
const service = { id: uuid(4), name: 'Haarschnitt', calcomEventTypeId: 1201, durationMinutes: 45 };
const customer = { id: null, name: 'Anna Schmidt', phone: '+4917612345678' };
const call = { call_id: 'call_1', call_type: 'phone_call', agent_id: 'agent_1', call_status: 'ended' };
const cost = {
  callId: 'call_1',
  revision: 1,
  cause: 'costed',
  reason: null,
  attribution: { ...attribution, resellerId: null, serviceId: uuid(4), staffId: null },
  callDay: '2026-10-13',
  rate: { date: '2026-10-12', usdPerEur: '1.1650' },
  plans: { wholesale: uuid(5), retail: null },
  lines: [{ kind: 'base_cost', component: 'retell', currency: 'USD', amount: '0.3537', amountEur: '0.30360515' }],
  appended: [{ kind: 'base_cost', component: 'retell', currency: 'USD', amount: '0.3537', amountEur: '0.30360515' }],
  totals: {
    baseCostUsd: '0.3537',
    baseCostEur: '0.30360515',
    wholesaleEur: '0',
    retailEur: '0',
    platformProfitEur: '0',
    resellerProfitEur: '0',
  },
  costedAt: '2026-10-13T08:00:00.000Z',
};
const outcomesSchema = TOPIC_CONTRACTS.find((c) => c.topic === TOPICS.bookingOutcomes)!.schema;
const UNKNOWN_RETELL_TYPE = 'ai.retell.webhook.call_paused';

/** A valid value of each event type, by its name in TOPIC_CONTRACTS. */
const EXAMPLES: Record<string, unknown> = {
  'ai.retell.webhook.call_started': { event: 'call_started', call: { ...call, call_status: 'ongoing' } },
  'ai.retell.webhook.call_ended': { event: 'call_ended', call },
  'ai.retell.webhook.call_analyzed': { event: 'call_analyzed', call },
  'ai.retell.webhook.transcript_updated': { event: 'transcript_updated', call },
  'ai.retell.webhook.transfer_started': { event: 'transfer_started', call, transfer_destination: '+4922112345' },
  'ai.retell.webhook.transfer_bridged': { event: 'transfer_bridged', call },
  'ai.retell.webhook.transfer_cancelled': { event: 'transfer_cancelled', call },
  'ai.retell.webhook.transfer_ended': { event: 'transfer_ended', call },
  'retell.webhook.unknown-event': { event: 'call_paused', call: { call_id: 'call_1' } },
  'call.routed.v1': {
    type: 'call.routed.v1',
    callId: 'call_1',
    attribution,
    direction: 'inbound',
    customerId: uuid(6),
    startedAt: '2026-10-13T07:40:00.000Z',
    timeZone: 'Europe/Berlin',
  },
  'call.unrouted.v1': { type: 'call.unrouted.v1', callId: 'call_2', reason: 'unknown_number', businessNumber: null },
  'call.ended.v1': {
    type: 'call.ended.v1',
    callId: 'call_1',
    attribution,
    endedAt: '2026-10-13T07:42:01.122Z',
    durationMs: 53710,
    disconnectionReason: 'agent_hangup',
    retellCost: null,
  },
  'call.analysed.v1': {
    type: 'call.analysed.v1',
    callId: 'call_1',
    attribution,
    successful: true,
    sentiment: 'Positive',
    inVoicemail: false,
    outcome: 'booking_intent',
  },
  'booking.intent-requested.v1': {
    type: 'booking.intent-requested.v1',
    callId: 'call_1',
    idempotencyKey: 'call_1:booking-intent',
    attribution,
    service,
    staffPreference: null,
    requestedStart: start,
    customer,
    confidence: { date: 1, time: 0.9, service: 1, name: 0.8 },
    source: 'analysis',
  },
  'booking.callback-needed.v1': {
    type: 'booking.callback-needed.v1',
    callId: 'call_1',
    attribution,
    reason: 'no_date',
    customer,
    summary: null,
  },
  'ai.retell-booking.directory.entity-changed.v1': {
    entity: 'company',
    id: uuid(1),
    active: true,
    changedAt: '2026-11-24T10:00:00.000Z',
    version: 3,
    slug: 'salon',
    name: 'Salon',
    resellerId: uuid(7),
    billingCurrency: 'EUR',
  },
  'booking.confirmed.v1': { type: 'booking.confirmed.v1', ...outcome, booking: calcomBooking, alternative: false },
  'booking.alternatives-offered.v1': {
    type: 'booking.alternatives-offered.v1',
    ...outcome,
    requestedStart: start,
    alternatives: [{ start: end, strategy: 'same_day_other_time' }],
  },
  'booking.failed.v1': { type: 'booking.failed.v1', ...outcome, reason: 'no_availability', detail: 'nothing free' },
  'booking.cancelled.v1': { type: 'booking.cancelled.v1', ...outcome, uid: 'cal_1', cause: 'caller' },
  'booking.rescheduled.v1': { type: 'booking.rescheduled.v1', ...outcome, fromUid: 'cal_0', booking: calcomBooking },
  'booking.claim-mismatch.v1': {
    type: 'booking.claim-mismatch.v1',
    ...outcome,
    idempotencyKey: 'call_1:claims',
    mismatches: [{ source: 'agent_sentence', kind: 'booked', problem: 'no_booking', language: 'de', at: '7' }],
    claimCount: 1,
  },
  'booking.book-requested.v1': {
    type: 'booking.book-requested.v1',
    ...command,
    service,
    start,
    customer: { name: 'Anna Schmidt', phone: null },
    note: null,
  },
  'booking.reschedule-requested.v1': {
    type: 'booking.reschedule-requested.v1',
    ...command,
    bookingId: 'bk_7K3M9P2Q',
    newStart: end,
    reason: null,
  },
  'booking.cancel-requested.v1': {
    type: 'booking.cancel-requested.v1',
    ...command,
    bookingId: 'bk_7K3M9P2Q',
    reason: null,
  },
  'booking.command-answered.v1': {
    type: 'booking.command-answered.v1',
    callId: 'call_1',
    commandId: uuid(9),
    idempotencyKey: 'call_1:book',
    command: 'book',
    repeated: false,
    result: {
      kind: 'booked',
      appointment: { bookingId: 'bk_7K3M9P2Q', start, end, serviceName: 'Haarschnitt', status: 'accepted' },
    },
    answeredAt: '2026-10-13T07:41:02.000Z',
  },
  'cost.call-costed.v1': { type: 'cost.call-costed.v1', ...cost },
  'cost.call-cost-adjusted.v1': {
    type: 'cost.call-cost-adjusted.v1',
    ...cost,
    revision: 2,
    cause: 'recost',
    reason: 'plan corrected',
  },
};

/** The ce_type a message of the event type carries (a made-up new Retell event for the catch-all). */
const ceTypeOf = (ceType: string | RegExp) => (typeof ceType === 'string' ? ceType : UNKNOWN_RETELL_TYPE);

const message = (id: string, type: string, value: Buffer): KafkaMessage =>
  ({
    key: Buffer.from('call_1'),
    value,
    headers: { ce_specversion: '1.0', ce_id: id, ce_type: type },
  }) as unknown as KafkaMessage;

describe('downstream consumer example', () => {
  const registry = makeRegistry(testRegistryUrl());

  it('when the example values are checked against the contracts, then every event type of every topic has one that its own schema accepts', () => {
    for (const c of TOPIC_CONTRACTS) {
      for (const e of c.events) {
        expect([e.name, e.schema.safeParse(EXAMPLES[e.name]).error?.issues]).toEqual([e.name, undefined]);
        expect(typeof e.ceType === 'string' || e.ceType.test(UNKNOWN_RETELL_TYPE)).toBe(true);
      }
    }
  });

  it.each(TOPIC_CONTRACTS.map((c) => [c.topic, c] as const))(
    'when a message of each event type of %s is framed under its registered schema, then the example decodes and hands it over unchanged',
    async (_topic, contract) => {
      const id = await registerValueSchema(
        testRegistryUrl(),
        uniqueName(`it.downstream.${contract.topic}`),
        contract.schema,
      );
      const received: unknown[] = [];
      const handlers = Object.fromEntries(
        contract.events.map((e): [string, Handler] => [ceTypeOf(e.ceType), async (value) => void received.push(value)]),
      );
      const handleMessage = makeMessageHandler(registry, handlers);
      for (const e of contract.events) {
        const type = ceTypeOf(e.ceType);
        const framed = frameJson(id, Buffer.from(JSON.stringify(EXAMPLES[e.name])));
        await expect(handleMessage(message(`call_1:${type}`, type, framed))).resolves.toEqual({
          kind: 'handled',
          id: `call_1:${type}`,
          type,
        });
      }
      expect(received).toEqual(contract.events.map((e) => EXAMPLES[e.name]));
    },
  );

  describe('a value whose id is not a uuid', () => {
    const badCompanyId = {
      ...(EXAMPLES['booking.failed.v1'] as object),
      attribution: { ...attribution, companyId: 'company-1' },
    };
    const decodeError = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );

    it('when the example decodes one of booking.outcomes.v1, then it is refused, naming the field; with a uuid it decodes', async () => {
      const id = await registerValueSchema(testRegistryUrl(), uniqueName('it.downstream.format'), outcomesSchema);
      const error = await decodeError(decodeValue(registry, frameJson(id, Buffer.from(JSON.stringify(badCompanyId)))));
      expect(error).toMatchObject({ name: 'ConfluentSchemaRegistryValidationError' });
      expect((error as { paths: string[][] }).paths).toContainEqual(['/attribution/companyId']);
      const good = frameJson(id, Buffer.from(JSON.stringify(EXAMPLES['booking.failed.v1'])));
      await expect(decodeValue(registry, good)).resolves.toEqual(EXAMPLES['booking.failed.v1']);
    });

    // zod writes a pattern beside each format of ours, which checks the same shape; a schema with
    // the format alone shows what ajv-formats adds and what strict: false alone skips
    it('when a schema states only the format, then the example refuses the value and the stock client with strict: false alone lets it through', async () => {
      const formatOnly = z.strictObject({ companyId: z.string().meta({ format: 'uuid' }) });
      expect(toRegistryJsonSchema(formatOnly)).toMatchObject({ properties: { companyId: { format: 'uuid' } } });
      expect(JSON.stringify(toRegistryJsonSchema(formatOnly))).not.toContain('pattern');
      const id = await registerValueSchema(testRegistryUrl(), uniqueName('it.downstream.format'), formatOnly);
      const framed = frameJson(id, Buffer.from(JSON.stringify({ companyId: 'company-1' })));
      await expect(decodeValue(registry, framed)).rejects.toMatchObject({ paths: [['/companyId']] });
      const lenient = new SchemaRegistry({ host: testRegistryUrl() }, { [SchemaType.JSON]: { strict: false } });
      await expect(lenient.decode(framed)).resolves.toEqual({ companyId: 'company-1' });
      const valid = frameJson(id, Buffer.from(JSON.stringify({ companyId: uuid(1) })));
      await expect(decodeValue(registry, valid)).resolves.toEqual({ companyId: uuid(1) });
    });
  });

  it.each([TOPICS.bookingOutcomes, TOPICS.bookingIntents, TOPICS.tenantDirectory])(
    'when the stock client with default options decodes a valid message of %s, then it fails on the format keyword, which the example decodes',
    async (topic) => {
      const contract = TOPIC_CONTRACTS.find((c) => c.topic === topic)!;
      const id = await registerValueSchema(testRegistryUrl(), uniqueName(`it.downstream.${topic}`), contract.schema);
      const framed = frameJson(id, Buffer.from(JSON.stringify(EXAMPLES[contract.events[0]!.name])));
      const stock = new SchemaRegistry({ host: testRegistryUrl() });
      await expect(stock.decode(framed)).rejects.toThrow(/unknown format "(uuid|date-time|date)" ignored in schema/);
      await expect(decodeValue(registry, framed)).resolves.toEqual(EXAMPLES[contract.events[0]!.name]);
    },
  );

  it('when a message is redelivered or of a type without a handler, then the example handles it once and skips the other', async () => {
    const id = await registerValueSchema(testRegistryUrl(), uniqueName('it.downstream.dedup'), outcomesSchema);
    const handled: unknown[] = [];
    const handleMessage = makeMessageHandler(registry, { 'booking.confirmed.v1': async (v) => void handled.push(v) });
    const confirmed = frameJson(id, Buffer.from(JSON.stringify(EXAMPLES['booking.confirmed.v1'])));
    const failed = frameJson(id, Buffer.from(JSON.stringify(EXAMPLES['booking.failed.v1'])));
    const results = [
      await handleMessage(message('call_1:confirmed', 'booking.confirmed.v1', confirmed)),
      await handleMessage(message('call_1:confirmed', 'booking.confirmed.v1', confirmed)),
      await handleMessage(message('call_1:failed', 'booking.failed.v1', failed)),
    ];
    expect(results.map((r) => r.kind)).toEqual(['handled', 'duplicate', 'skipped']);
    expect(handled).toEqual([EXAMPLES['booking.confirmed.v1']]);
  });

  it('when a handler fails, then the message is not marked seen and its redelivery is handled', async () => {
    const id = await registerValueSchema(testRegistryUrl(), uniqueName('it.downstream.retry'), outcomesSchema);
    let attempts = 0;
    const handleMessage = makeMessageHandler(registry, {
      'booking.confirmed.v1': async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('database down');
      },
    });
    const m = message(
      'call_1:confirmed',
      'booking.confirmed.v1',
      frameJson(id, Buffer.from(JSON.stringify(EXAMPLES['booking.confirmed.v1']))),
    );
    await expect(handleMessage(m)).rejects.toThrow('database down');
    await expect(handleMessage(m)).resolves.toMatchObject({ kind: 'handled' });
    expect(attempts).toBe(2);
  });

  it('when outcomes are produced to a real topic, one of them twice, then the running example consumer handles each confirmed booking once', async () => {
    const topic = uniqueName('it.downstream.outcomes');
    await createTopic(topic);
    const id = await registerValueSchema(testRegistryUrl(), topic, outcomesSchema);
    const frame = (name: string) => frameJson(id, Buffer.from(JSON.stringify(EXAMPLES[name])));
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: 'call_1',
          value: frame('booking.confirmed.v1'),
          headers: { ce_id: 'call_1:c', ce_type: 'booking.confirmed.v1' },
        },
        {
          key: 'call_1',
          value: frame('booking.confirmed.v1'),
          headers: { ce_id: 'call_1:c', ce_type: 'booking.confirmed.v1' },
        },
        {
          key: 'call_1',
          value: frame('booking.failed.v1'),
          headers: { ce_id: 'call_1:f', ce_type: 'booking.failed.v1' },
        },
        {
          key: 'call_2',
          value: frame('booking.confirmed.v1'),
          headers: { ce_id: 'call_2:c', ce_type: 'booking.confirmed.v1' },
        },
      ],
    });
    await producer.disconnect();
    const handled: string[] = [];
    let done!: () => void;
    const allHandled = new Promise<void>((resolve) => (done = resolve));
    const consumer = await runDownstreamConsumer({
      brokers: testBrokers(),
      registryUrl: testRegistryUrl(),
      groupId: uniqueName('it.downstream-group'),
      topics: [topic],
      handlers: {
        'booking.confirmed.v1': async (_value, m) => {
          handled.push(m.headers!.ce_id!.toString());
          if (handled.length === 2) done();
        },
      },
    });
    try {
      await allHandled;
      // the last message is behind the duplicate and the skipped one: nothing more is coming
      expect(handled).toEqual(['call_1:c', 'call_2:c']);
    } finally {
      await consumer.disconnect();
    }
  });
});
