import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type {
  BookingIntentRequestedV1,
  BookingOutcomeV1,
  CallCostEvent,
  CallLifecycleEvent,
  DirectoryEntityChangedV1,
  RetellCallCost,
  TenantAttribution,
} from '@rb/contracts';
import {
  BookingIntentEventSchema,
  BookingOutcomeV1Schema,
  CallLifecycleEventSchema,
  DIRECTORY_ENTITY_CHANGED_V1,
  DirectoryEntityChangedV1Schema,
  frameJson,
  readFramedJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { deadLetterTopic } from '@rb/kafka-runner';
import { createTopic, testKafka, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import { ConfigSchema } from '../src/config';
import type { CostOverrides, CostTopics, RunningCost } from '../src/service';
import { startCost } from '../src/service';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Its own topics for one test file, and the dead-letter topics of the consumed ones. */
export async function createCostTopics(partitions = 3): Promise<CostTopics> {
  const topics: CostTopics = {
    lifecycle: uniqueName('it.cost-lifecycle'),
    intents: uniqueName('it.cost-intents'),
    outcomes: uniqueName('it.cost-outcomes'),
    directory: uniqueName('it.cost-directory'),
    costs: uniqueName('it.cost-costs'),
  };
  await Promise.all([
    ...[topics.lifecycle, topics.intents, topics.outcomes, topics.costs].map((t) => createTopic(t, partitions)),
    createTopic(topics.directory),
    ...[topics.lifecycle, topics.intents, topics.outcomes, topics.directory].map((t) =>
      createTopic(deadLetterTopic(t)),
    ),
  ]);
  return topics;
}

export function testConfig(databaseUrl: string, env: Record<string, string> = {}) {
  return ConfigSchema.parse({
    ADMIN_TOKEN,
    DATABASE_URL: databaseUrl,
    SCHEMA_REGISTRY_URL: testRegistryUrl(),
    PORT: '0',
    LOG_LEVEL: 'silent',
    KAFKA_GROUP_ID: uniqueName('it.cost'),
    // tests sweep pending calls themselves (sweepPending) instead of waiting for the timer
    PENDING_RECOST_INTERVAL_MS: '600000',
    ...env,
  });
}

export async function startService(
  databaseUrl: string,
  topics: CostTopics,
  env: Record<string, string> = {},
  overrides: CostOverrides = {},
): Promise<RunningCost> {
  return startCost(testConfig(databaseUrl, env), {
    topics,
    backoff: { initialMs: 20, maxMs: 100 },
    onFatal: (reason) => {
      throw new Error(`cost cannot go on: ${reason}`);
    },
    ...overrides,
  });
}

type Sendable = CallLifecycleEvent | BookingIntentRequestedV1 | BookingOutcomeV1 | DirectoryEntityChangedV1;

/** Sends events as their producers do: registry-framed, CloudEvents headers, keyed by call (or entity) id. */
export async function eventSender(topics: CostTopics) {
  const registry = testRegistryUrl();
  const schemaIds = {
    lifecycle: await registerValueSchema(registry, topics.lifecycle, CallLifecycleEventSchema),
    intents: await registerValueSchema(registry, topics.intents, BookingIntentEventSchema),
    outcomes: await registerValueSchema(registry, topics.outcomes, BookingOutcomeV1Schema),
    directory: await registerValueSchema(registry, topics.directory, DirectoryEntityChangedV1Schema),
  };
  const producer: Producer = testKafka().producer();
  await producer.connect();
  const route = (event: Sendable): { role: keyof typeof schemaIds; key: string; type: string; id: string } => {
    if ('entity' in event)
      return {
        role: 'directory',
        key: event.id,
        type: DIRECTORY_ENTITY_CHANGED_V1,
        id: `${event.id}:${event.version ?? 0}`,
      };
    const role = event.type.startsWith('call.')
      ? 'lifecycle'
      : event.type === 'booking.intent-requested.v1'
        ? 'intents'
        : 'outcomes';
    return { role, key: event.callId, type: event.type, id: `${event.callId}:${event.type}` };
  };
  return {
    /** `eventId` defaults to `<call id>:<type>`: sending the same event again is a redelivery */
    async send(event: Sendable, eventId?: string): Promise<void> {
      const r = route(event);
      await producer.send({
        topic: topics[r.role],
        messages: [
          {
            key: r.key,
            value: frameJson(schemaIds[r.role], Buffer.from(JSON.stringify(event))),
            headers: toKafkaHeaders({
              id: eventId ?? r.id,
              type: r.type,
              source: '/test',
              time: new Date().toISOString(),
            }),
          },
        ],
      });
    },
    stop: () => producer.disconnect(),
  };
}

/** Collects every event on cost.call-costs.v1 (the test's topic), with its ce_id. */
export async function costReader(topic: string) {
  const received: { event: CallCostEvent; id: string }[] = [];
  const consumer: Consumer = testKafka().consumer({ groupId: uniqueName('it.cost-reader'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({
        event: readFramedJson(message.value) as CallCostEvent,
        id: message.headers?.ce_id?.toString() ?? '',
      });
    },
  });
  return {
    received,
    of: (callId: string) => received.filter((r) => r.event.callId === callId),
    stop: () => consumer.disconnect(),
  };
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A tenant as the directory publishes it: a reseller (optional), a company, a branch, a number. */
export function tenant(options: { reseller?: boolean; numberKind?: 'retell' | 'twilio_imported' } = {}) {
  const changedAt = '2024-01-01T00:00:00Z';
  const resellerId = options.reseller ? randomUUID() : null;
  const attribution: TenantAttribution = {
    companyId: randomUUID(),
    branchId: randomUUID(),
    phoneNumberId: randomUUID(),
  };
  const entities: DirectoryEntityChangedV1[] = [
    ...(resellerId
      ? [
          {
            entity: 'reseller' as const,
            id: resellerId,
            active: true,
            changedAt,
            version: 1,
            slug: 'agentur',
            name: 'Agentur Nord',
            billingCurrency: 'EUR',
          },
        ]
      : []),
    {
      entity: 'company',
      id: attribution.companyId,
      active: true,
      changedAt,
      version: 1,
      slug: 'salon',
      name: 'Salon Schnitt',
      resellerId,
      billingCurrency: 'EUR',
    },
    {
      entity: 'phone_number',
      id: attribution.phoneNumberId,
      active: true,
      changedAt,
      version: 1,
      companyId: attribution.companyId,
      branchId: attribution.branchId,
      number: '+4930123456789',
      numberKind: options.numberKind ?? 'retell',
      numberType: 'local',
    },
  ];
  return { resellerId, attribution, entities };
}

/** Retell's cost of fixture 02 (9.09 cents), as call.ended.v1 carries it. */
export const RETELL_COST: RetellCallCost = {
  combinedCostCents: 9.09,
  totalDurationSeconds: 63,
  totalDurationUnitPriceCents: 0.1443,
  productCosts: [
    { product: 'elevenlabs_tts', costCents: 6.3, unitPriceCents: 0.1 },
    { product: 'gpt_4o_mini', costCents: 1.44, unitPriceCents: 0.0229 },
    { product: 'retell_platform', costCents: 1.35, unitPriceCents: 0.0214 },
  ],
};

/** A call's events as call-processor and booking emit them. */
export function callEvents(
  attribution: TenantAttribution | null,
  options: { callId?: string; startedAt?: string; durationMs?: number } = {},
) {
  const callId = options.callId ?? `call_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const startedAt = options.startedAt ?? '2024-06-28T10:00:00.000Z';
  const durationMs = options.durationMs ?? 63_000;
  const endedAt = new Date(Date.parse(startedAt) + durationMs).toISOString();
  const serviceId = randomUUID();
  return {
    callId,
    ended: (cost: RetellCallCost | null = RETELL_COST): CallLifecycleEvent => ({
      type: 'call.ended.v1',
      callId,
      attribution,
      startedAt,
      endedAt,
      durationMs,
      disconnectionReason: 'user_hangup',
      direction: 'inbound',
      line: attribution ? { numberKind: 'retell', numberType: 'local' } : null,
      twilioCallSid: null,
      retellCost: cost,
    }),
    analysed: (cost: RetellCallCost | null): CallLifecycleEvent => ({
      type: 'call.analysed.v1',
      callId,
      attribution,
      successful: true,
      sentiment: 'Positive',
      inVoicemail: false,
      outcome: 'booking_intent',
      retellCost: cost,
    }),
    intent: (): BookingIntentRequestedV1 => ({
      type: 'booking.intent-requested.v1',
      callId,
      idempotencyKey: `${callId}:booking-intent`,
      attribution: attribution!,
      service: { id: serviceId, name: 'Damenhaarschnitt', calcomEventTypeId: 1201, durationMinutes: 45 },
      staffPreference: null,
      requestedStart: { utc: '2024-07-02T12:00:00Z', local: '2024-07-02T14:00:00', timeZone: 'Europe/Berlin' },
      customer: { id: null, name: null, phone: null },
      confidence: { date: 0.9, time: 0.9, service: 0.9, name: 0 },
      source: 'analysis',
    }),
    confirmed: (alternative = false): BookingOutcomeV1 => {
      const instant = { utc: '2024-07-02T12:00:00Z', local: '2024-07-02T14:00:00', timeZone: 'Europe/Berlin' };
      return {
        type: 'booking.confirmed.v1',
        callId,
        idempotencyKey: `${callId}:booking-intent`,
        attribution: attribution!,
        occurredAt: endedAt,
        booking: { uid: `uid-${callId}`, eventTypeId: 1201, start: instant, end: instant, status: 'accepted' },
        alternative,
      };
    },
  };
}

/** What root tests use of cost besides its wiring. */
export { MIGRATIONS as COST_MIGRATIONS } from '../src/infra/db/migrations';
