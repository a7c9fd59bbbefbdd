import type { z } from 'zod';
import { BookingOutcomeV1Schema } from './booking/booking-outcome.v1';
import { BookingIntentEventSchema, CallLifecycleEventSchema } from './calls';
import { DirectoryEntityChangedV1Schema } from './directory/directory-entity-changed.v1';
import { toRegistryJsonSchema } from './registry';
import { RetellWebhookEventValueSchema } from './retell/webhook-events';
import { TOPICS } from './topics';

/** Each topic's value contract, key and producer: what docs/contracts is generated from. */
export const TOPIC_CONTRACTS: readonly { topic: string; key: string; producer: string; schema: z.ZodType }[] = [
  {
    topic: TOPICS.retellWebhookEvents,
    key: 'Retell call_id',
    producer: 'ingress',
    schema: RetellWebhookEventValueSchema,
  },
  { topic: TOPICS.callLifecycle, key: 'Retell call_id', producer: 'call-processor', schema: CallLifecycleEventSchema },
  { topic: TOPICS.bookingIntents, key: 'Retell call_id', producer: 'call-processor', schema: BookingIntentEventSchema },
  {
    topic: TOPICS.tenantDirectory,
    key: 'entity id (compacted)',
    producer: 'call-processor',
    schema: DirectoryEntityChangedV1Schema,
  },
  { topic: TOPICS.bookingOutcomes, key: 'Retell call_id', producer: 'booking', schema: BookingOutcomeV1Schema },
];

/** The files of docs/contracts: one JSON Schema per topic (as registered) and an index. */
export function contractDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const rows: string[] = [];
  for (const c of TOPIC_CONTRACTS) {
    const name = `${c.topic}.schema.json`;
    files.set(name, `${JSON.stringify(toRegistryJsonSchema(c.schema), null, 2)}\n`);
    rows.push(`| \`${c.topic}\` | ${c.key} | ${c.producer} | [${name}](${name}) |`);
  }
  files.set(
    'README.md',
    [
      '# Event contracts (generated: `pnpm contracts:docs`; do not edit)',
      '',
      "JSON Schema (draft-07) of each topic's message value, exactly as registered in the schema",
      'registry (subject `<topic>-value`, BACKWARD compatibility). Values are in the Confluent wire',
      'format (magic byte 0, 4-byte schema id, JSON). Headers are CloudEvents binary mode (`ce_id`,',
      '`ce_type`, `ce_source`, `ce_time`, `ce_subject`, `traceparent`); `ce_id` is deterministic, so',
      'consumers deduplicate on it. The zod sources are in `packages/contracts/src`.',
      '',
      '| topic | key | producer | value schema |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  return files;
}
