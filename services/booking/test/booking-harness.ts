import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type { BookingIntentRequestedV1, BookingOutcomeV1, DirectoryEntityChangedV1 } from '@rb/contracts';
import {
  BookingIntentEventSchema,
  frameJson,
  readFramedJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { deadLetterTopic } from '@rb/kafka-runner';
import { createTopic, testKafka, testRegistryUrl, testRedisUrl, uniqueName } from '../../../test/support/kafka';
import { ConfigSchema } from '../src/config';
import type { BookingService, Overrides } from '../src/service';
import { startBooking } from '../src/service';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const CREDENTIAL_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface HarnessTopics {
  intents: string;
  directory: string;
  outcomes: string;
  /** the live commands and their answers, and the truth check's input: each consumer runs only when named */
  commands?: string;
  commandResults?: string;
  lifecycle?: string;
}

/** Its own topics (intents with `partitions`), their DLQ, and a reader of everything emitted. */
export async function createTopics(partitions = 3): Promise<HarnessTopics> {
  const topics = {
    intents: uniqueName('it.booking-intents'),
    directory: uniqueName('it.directory'),
    outcomes: uniqueName('it.booking-outcomes'),
  };
  await Promise.all([
    createTopic(topics.intents, partitions),
    createTopic(topics.directory),
    createTopic(topics.outcomes, partitions),
    createTopic(deadLetterTopic(topics.intents)),
  ]);
  return topics;
}

/** booking's configuration for tests: its own consumer group, fast breaker, quiet logs, Cal.com on 127.0.0.1. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}) {
  return ConfigSchema.parse({
    ADMIN_TOKEN,
    CREDENTIAL_KEYS,
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    SCHEMA_REGISTRY_URL: testRegistryUrl(),
    PORT: '0',
    LOG_LEVEL: 'silent',
    KAFKA_GROUP_ID: uniqueName('it.booking'),
    CALCOM_BREAK_AFTER: '3',
    CALCOM_HALF_OPEN_AFTER_MS: '1500',
    CALCOM_TIMEOUT_MS: '1500',
    // the fake Cal.com listens on 127.0.0.1: allowed by configuration, as an operator would for a local one
    CALCOM_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    ...env,
  });
}

export async function startService(
  databaseUrl: string,
  topics: HarnessTopics,
  env: Record<string, string> = {},
  overrides: Overrides = {},
): Promise<BookingService> {
  return startBooking(testConfig(databaseUrl, env), {
    topics,
    backoff: { initialMs: 20, maxMs: 100 },
    onFatal: (reason) => {
      throw new Error(`booking cannot go on: ${reason}`);
    },
    ...overrides,
  });
}

/** Sends intents as call-processor does: registry-framed, CloudEvents headers, keyed by call id. */
export async function intentSender(topic: string) {
  const schemaId = await registerValueSchema(testRegistryUrl(), topic, BookingIntentEventSchema);
  const producer: Producer = testKafka().producer();
  await producer.connect();
  return {
    async send(intent: BookingIntentRequestedV1, eventId = `${intent.callId}:${intent.type}`): Promise<void> {
      await producer.send({
        topic,
        messages: [
          {
            key: intent.callId,
            value: frameJson(schemaId, Buffer.from(JSON.stringify(intent))),
            headers: toKafkaHeaders({
              id: eventId,
              type: intent.type,
              source: '/retell-booking/call-processor',
              time: new Date().toISOString(),
              subject: intent.callId,
            }),
          },
        ],
      });
    },
    /** a message that breaks the contract */
    async sendRaw(key: string, value: Buffer, eventId: string): Promise<void> {
      await producer.send({
        topic,
        messages: [
          {
            key,
            value,
            headers: toKafkaHeaders({ id: eventId, type: 'x', source: '/t', time: new Date().toISOString() }),
          },
        ],
      });
    },
    stop: () => producer.disconnect(),
  };
}

/** A branch as the directory announces it, in Berlin (NRW), Monday to Friday unless told otherwise. */
export function makeBranch(
  companyId: string,
  options: { id?: string; active?: boolean; workingDays?: number[] } = {},
): Extract<DirectoryEntityChangedV1, { entity: 'branch' }> {
  const serviceId = randomUUID();
  return {
    entity: 'branch',
    id: options.id ?? randomUUID(),
    active: options.active ?? true,
    changedAt: new Date().toISOString(),
    companyId,
    slug: 'koeln-mitte',
    name: 'Köln Mitte',
    timeZone: 'Europe/Berlin',
    federalState: 'NW',
    workingDays: options.workingDays ?? [1, 2, 3, 4, 5],
    defaultServiceId: serviceId,
    serviceIds: [serviceId],
  };
}

/** directory entities as call-processor sends them (shared with ingress's tests) */
export { directorySender } from '../../../test/support/directory';

/** Collects every outcome on the topic, with when it arrived. */
export async function outcomeReader(topic: string) {
  const received: { outcome: BookingOutcomeV1; at: number; id: string }[] = [];
  const consumer: Consumer = testKafka().consumer({ groupId: uniqueName('it.outcome-reader'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({
        outcome: readFramedJson(message.value) as BookingOutcomeV1,
        at: Date.now(),
        id: message.headers?.ce_id?.toString() ?? '',
      });
    },
  });
  return {
    received,
    of: (callId: string) => received.filter((r) => r.outcome.callId === callId).map((r) => r.outcome),
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

/** An admin API call with the token. */
export async function admin(port: number, method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  const response = await fetch(`http://127.0.0.1:${port}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** An intent of one company for a start (UTC) in Berlin, 45 minutes of event type 1201. */
export function makeIntent(
  companyId: string,
  startUtc: string,
  options: { callId?: string; eventTypeId?: number; phone?: string | null } = {},
): BookingIntentRequestedV1 {
  const callId = options.callId ?? `call_${randomUUID().slice(0, 12)}`;
  const local = new Date(startUtc).toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).replace(' ', 'T');
  return {
    type: 'booking.intent-requested.v1',
    callId,
    idempotencyKey: `${callId}:booking-intent`,
    attribution: { companyId, branchId: randomUUID(), phoneNumberId: randomUUID() },
    service: {
      id: randomUUID(),
      name: 'Damenhaarschnitt',
      calcomEventTypeId: options.eventTypeId ?? 1201,
      durationMinutes: 45,
    },
    staffPreference: null,
    requestedStart: { utc: startUtc.replace('.000Z', 'Z'), local, timeZone: 'Europe/Berlin' },
    customer: {
      id: null,
      name: 'Sabine Krüger',
      phone: options.phone === undefined ? '+4917612345678' : options.phone,
    },
    confidence: { date: 0.9, time: 0.9, service: 0.8, name: 0.9 },
    source: 'analysis',
  };
}

/** What root tests use of booking besides its wiring: its migrations, and the directory consumer they feed directly. */
export { MIGRATIONS as BOOKING_MIGRATIONS } from '../src/infra/db/migrations';
export { loadBranch, makeBranchDirectory } from '../src/directory/branch-directory';
