/**
 * How a team outside retell-booking reads our topics, with nothing of ours but the topic names:
 * the stock Confluent schema registry client, every value checked against the JSON Schema its
 * schema id names (`format`s included), delivery at least once deduplicated on `ce_id`, and event
 * types this consumer does not handle skipped. Run it (brokers and registry from the environment):
 *
 *   pnpm exec tsx packages/contracts/examples/downstream-consumer/downstream-consumer.ts
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { Kafka } from 'kafkajs';

/**
 * The registry client. With default options its Ajv is strict and refuses the `format` keyword
 * our schemas use ('unknown format "uuid" ignored in schema'); `strict: false` alone would decode
 * but skip the formats (zod's patterns beside them check the same today; do not rely on it). This Ajv is lenient about unknown keywords and
 * knows the formats (ajv-formats), so a value with a malformed id is refused.
 */
export function makeRegistry(host: string): SchemaRegistry {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  return new SchemaRegistry({ host }, { [SchemaType.JSON]: { ajvInstance: ajv } });
}

/** A value: magic byte 0, 4-byte schema id, JSON. Throws when it does not fit the schema it names. */
export async function decodeValue(registry: SchemaRegistry, value: Buffer | null): Promise<unknown> {
  if (!value) throw new Error('a message without a value');
  return registry.decode(value);
}

export type Handler = (value: unknown, message: KafkaMessage) => Promise<void>;
export type Handled =
  | { kind: 'handled'; id: string; type: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'skipped'; id: string; type: string };

function header(message: KafkaMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  return (Array.isArray(raw) ? raw[0] : raw)?.toString();
}

/**
 * What the consumer does with one message. `seen` holds the `ce_id`s already handled: in memory
 * here, so a restart forgets them; a real consumer keeps them durable, written in the same
 * transaction as the handler's effect. An id is marked only after its handler succeeded, so a
 * crash in between handles the redelivery again instead of losing it.
 */
export function makeMessageHandler(
  registry: SchemaRegistry,
  handlers: Readonly<Record<string, Handler>>,
  seen: Set<string> = new Set(),
): (message: KafkaMessage) => Promise<Handled> {
  return async (message) => {
    const id = header(message, 'ce_id');
    const type = header(message, 'ce_type');
    if (!id || !type) throw new Error('not a CloudEvent: ce_id or ce_type missing');
    if (seen.has(id)) return { kind: 'duplicate', id };
    const handle = handlers[type];
    if (!handle) return { kind: 'skipped', id, type };
    await handle(await decodeValue(registry, message.value), message);
    seen.add(id);
    return { kind: 'handled', id, type };
  };
}

export interface ConsumerOptions {
  brokers: string[];
  registryUrl: string;
  /** a consumer group of your own: never one of ours */
  groupId: string;
  topics: string[];
  handlers: Readonly<Record<string, Handler>>;
}

/** Subscribes from the earliest offset and handles each message; a message that cannot be decoded throws (kafkajs retries it) rather than being skipped silently. */
export async function runDownstreamConsumer(options: ConsumerOptions): Promise<Consumer> {
  const handleMessage = makeMessageHandler(makeRegistry(options.registryUrl), options.handlers);
  const kafka = new Kafka({ clientId: options.groupId, brokers: options.brokers });
  const consumer = kafka.consumer({ groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      await handleMessage(message);
    },
  });
  return consumer;
}

if (require.main === module) {
  // eslint-disable-next-line no-restricted-properties -- a standalone example: it reads its own environment
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, GROUP_ID } = process.env;
  const confirmed: Handler = async (value) => {
    const outcome = value as { callId: string; booking: { uid: string; start: { local: string } } };
    console.log(`call ${outcome.callId}: booked ${outcome.booking.uid} at ${outcome.booking.start.local}`);
  };
  void runDownstreamConsumer({
    brokers: (KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    registryUrl: SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    groupId: GROUP_ID ?? 'example-team.booking-outcomes',
    topics: ['booking.outcomes.v1'],
    handlers: { 'booking.confirmed.v1': confirmed },
  }).then((consumer) => process.once('SIGINT', () => void consumer.disconnect()));
}
