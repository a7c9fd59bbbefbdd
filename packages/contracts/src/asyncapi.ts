import { stringify } from 'yaml';
import { z } from 'zod';
import { version } from '../package.json';
import { TenantAttributionSchema } from './calls/attribution';
import type { EventContract, TopicContract } from './docs';
import { TOPIC_CONTRACTS } from './docs';
import type { EventEnvelope } from './envelope';
import { CE_SPEC_VERSION, EventEnvelopeSchema, toKafkaHeaders } from './envelope';
import { RetellCallSchema } from './retell/call';
import { deadLetterTopic, TOPICS, valueSubject } from './topics';

type Json = Record<string, unknown>;

const KAFKA_BINDING_VERSION = '0.5.0';
/** Payload schemas share these by $ref instead of repeating them in every message. */
const SHARED_SCHEMAS: readonly [string, z.ZodType][] = [
  ['RetellCall', RetellCallSchema],
  ['TenantAttribution', TenantAttributionSchema],
];
const HEADERS_SCHEMA = 'CloudEventsHeaders';
/** What a consumer needs to know about a header beyond its type. */
const HEADER_NOTES: Record<string, string> = {
  ce_id: 'Deterministic where it can be, so a redelivered event has the same id: deduplicate on it.',
  ce_type: 'Which message this is; the payload schema depends on it.',
  ce_source: 'The service that wrote the event, e.g. /retell-booking/call-processor.',
  ce_subject: 'The aggregate: the call id, or the directory entity id.',
  correlationid: 'The call the event belongs to.',
  causationid: 'ce_id of the event that caused this one.',
};

const DESCRIPTION = `Every Kafka topic of retell-booking, generated from the zod contracts in \`packages/contracts\`
by \`pnpm contracts:docs\` (do not edit: a test fails when this file differs from what the code generates).

- **Values** are JSON in the schema registry's wire format: magic byte 0, a 4-byte big-endian schema id,
  then the UTF-8 JSON that the message payloads here describe. Skip the first 5 bytes, or use a
  Confluent-compatible JSON deserializer.
- **Schema registry**: each topic's value schema is registered under the subject \`<topic>-value\` with
  BACKWARD compatibility; \`docs/contracts/<topic>.schema.json\` is that schema exactly as registered.
  Within a topic only optional fields are added; a breaking change is a new topic (\`.v2\`) beside the old.
- **Headers**: CloudEvents 1.0 in binary mode (\`ce_*\`) plus W3C \`traceparent\`. \`ce_type\` says which
  message it is. \`ce_id\` is deterministic, so a redelivered event has the same id: deduplicate on it
  (delivery is at least once).
- **How to decode**: the stock \`@kafkajs/confluent-schema-registry\` client with default options fails on
  our schemas (its Ajv is strict and refuses the \`format\` keyword: "unknown format "uuid" ignored in
  schema"), and with \`strict: false\` alone it skips the \`format\` keywords (each also has a pattern today; do not rely on it). Give it an Ajv of
  your own, \`new Ajv({ strict: false })\` with ajv-formats added, as \`{ [SchemaType.JSON]: { ajvInstance } }\`.
  Delivery is at least once: keep the \`ce_id\`s you have handled (durably) and skip a message whose
  \`ce_id\` you have seen, and skip the \`ce_type\`s you do not handle. A tested example:
  \`packages/contracts/examples/downstream-consumer\`.
- **Keys**: call topics are keyed by the Retell \`call_id\`, so one call's events stay in order on one
  partition; the tenant directory is compacted and keyed by entity id.
- **Dead letters**: a message a consumer cannot process goes unchanged to \`<topic>.dlq\`, with \`dlq_*\`
  headers naming the error, and is put back with \`pnpm dlq:replay <topic>.dlq\` once the cause is fixed.
- **Operations** are named \`<service>.<send|receive>.<channel>\`; \`downstream.*\` is what a team outside
  this repository implements.`;

/** docs/asyncapi.yaml: the text \`pnpm contracts:docs\` writes and the drift test compares. */
export function asyncApiYaml(): string {
  // no anchors for repeated objects, no folded lines: plain YAML any tool reads, stable for diffs;
  // single quotes as the repo's prettier would write them
  const body = stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false, singleQuote: true });
  return `# generated from packages/contracts by \`pnpm contracts:docs\`; do not edit\n${body}`;
}

/** The AsyncAPI 3.0 document: one channel per topic, one message per event type. */
export function asyncApiDocument(): Json {
  return {
    asyncapi: '3.0.0',
    info: { title: 'retell-booking events', version, description: DESCRIPTION },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(TOPIC_CONTRACTS.map((c) => [channelId(c), channel(c)])),
    operations: Object.fromEntries(TOPIC_CONTRACTS.flatMap(operations)),
    components: {
      schemas: { [HEADERS_SCHEMA]: headersSchema(), ...payloadSchemas() },
      messages: Object.fromEntries(TOPIC_CONTRACTS.flatMap((c) => c.events.map((e) => [e.name, message(c, e)]))),
    },
  };
}

/** Channel ids are the TOPICS keys, the names the code uses; the address is the topic. */
function channelId(c: TopicContract): string {
  const entry = Object.entries(TOPICS).find(([, topic]) => topic === c.topic);
  if (!entry) throw new Error(`${c.topic} is not in TOPICS`);
  return entry[0];
}

const ref = (...path: string[]) => ({ $ref: `#/${path.join('/')}` });

function channel(c: TopicContract): Json {
  const key = c.compacted
    ? `Key: ${c.key}. Compacted: the latest value per key is kept, so a consumer that reads from the earliest offset gets the current state.`
    : `Key: ${c.key}; events with the same key stay in order on one partition.`;
  return {
    address: c.topic,
    title: c.topic,
    description: [
      c.about,
      key,
      `Written by ${c.producer}. Value schema: subject \`${valueSubject(c.topic)}\` (BACKWARD), docs/contracts/${c.topic}.schema.json.`,
      `Dead letters: \`${deadLetterTopic(c.topic)}\`.`,
    ].join('\n\n'),
    messages: Object.fromEntries(c.events.map((e) => [e.name, ref('components', 'messages', e.name)])),
    bindings: {
      kafka: {
        ...(c.compacted ? { topicConfiguration: { 'cleanup.policy': ['compact'] } } : {}),
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function operations(c: TopicContract): [string, Json][] {
  const id = channelId(c);
  const operation = (service: string, action: 'send' | 'receive', summary: string): [string, Json] => [
    `${service}.${action}.${id}`,
    { action, channel: ref('channels', id), summary, tags: [{ name: service }] },
  ];
  return [
    operation(c.producer, 'send', `${c.producer} writes ${c.topic} (idempotent producer, acks=all).`),
    ...c.consumers.map((service) =>
      service === 'downstream'
        ? operation(
            service,
            'receive',
            `Consume ${c.topic} with a consumer group of your own: deduplicate on \`ce_id\` and skip event types you do not handle.`,
          )
        : operation(service, 'receive', `${service} consumes ${c.topic} (idempotent on \`ce_id\`).`),
    ),
  ];
}

function message(c: TopicContract, e: EventContract): Json {
  const ceType = typeof e.ceType === 'string' ? { const: e.ceType } : { pattern: e.ceType.source };
  return {
    name: e.name,
    title: e.name,
    ...(e.summary ? { summary: e.summary } : {}),
    description: `On ${c.topic}. The value is registry-framed: 5 bytes (magic byte 0, schema id) before the JSON payload.`,
    contentType: 'application/json',
    headers: {
      allOf: [ref('components', 'schemas', HEADERS_SCHEMA), { type: 'object', properties: { ce_type: ceType } }],
    },
    payload: ref('components', 'schemas', e.name),
    bindings: {
      kafka: {
        key: { type: 'string', description: c.key },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicNameStrategy',
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

/**
 * Every event's value schema, converted like the registered ones (draft-07, input side) but one
 * per event type, with the shared parts as components instead of the registry's local definitions.
 */
function payloadSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of SHARED_SCHEMAS) registry.add(schema, { id });
  for (const c of TOPIC_CONTRACTS) for (const e of c.events) registry.add(e.schema, { id: e.name });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // $schema and $id belong to a standalone document, not to a schema inside components
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as Json]),
  );
}

/**
 * The headers schema from the envelope's zod schema, each field under the header toKafkaHeaders
 * writes it to (found by writing an envelope whose values are its field names), so this follows
 * envelope.ts without a second list of headers.
 */
function headersSchema(): Json {
  const envelope = z.toJSONSchema(EventEnvelopeSchema, { target: 'draft-7', io: 'input' }) as {
    properties: Record<string, Json>;
    required: string[];
  };
  const fieldNames = Object.fromEntries(Object.keys(envelope.properties).map((f) => [f, f])) as EventEnvelope;
  const fieldOf = Object.entries(toKafkaHeaders(fieldNames)).filter(([header]) => header !== 'ce_specversion');
  return {
    type: 'object',
    description:
      'CloudEvents 1.0 attributes in Kafka binary mode, plus correlation and trace context. Values are UTF-8 strings.',
    properties: {
      ce_specversion: { type: 'string', const: CE_SPEC_VERSION },
      ...Object.fromEntries(
        fieldOf.map(([header, field]) => [
          header,
          { ...envelope.properties[field], description: HEADER_NOTES[header] },
        ]),
      ),
    },
    required: [
      'ce_specversion',
      ...fieldOf.filter(([, field]) => envelope.required.includes(field)).map(([header]) => header),
    ],
  };
}
