import type { z } from 'zod';
import { BookingOutcomeV1Schema } from './booking/booking-outcome.v1';
import { BookingCommandV1Schema } from './booking/booking-command.v1';
import { BookingCommandResultEventSchema } from './booking/booking-command-answered.v1';
import { CallCostEventSchema } from './cost/call-costed.v1';
import { BookingIntentEventSchema, CallLifecycleEventSchema } from './calls';
import { DIRECTORY_ENTITY_CHANGED_V1, DirectoryEntityChangedV1Schema } from './directory/directory-entity-changed.v1';
import { toRegistryJsonSchema } from './registry';
import { retellEventType } from './retell/event-id';
import {
  KNOWN_RETELL_EVENT_TYPES,
  RETELL_WEBHOOK_EVENT_SCHEMAS,
  RetellWebhookEnvelopeSchema,
  RetellWebhookEventValueSchema,
} from './retell/webhook-events';
import { TOPICS } from './topics';

/** One event type of a topic: the `ce_type` header it travels with and the schema of its value. */
export interface EventContract {
  /** the `ce_type`, or for a catch-all a name of its own */
  name: string;
  /** the `ce_type` header: exact, or a pattern for event types the contracts do not know yet */
  ceType: string | RegExp;
  schema: z.ZodType;
  summary?: string;
}

export interface TopicContract {
  topic: string;
  /** what the message key is, for people */
  key: string;
  compacted?: boolean;
  /** the one service that writes the topic */
  producer: string;
  /** the services that read it ('downstream': teams outside this repository) */
  consumers: readonly string[];
  about: string;
  /** the value schema as registered (subject `<topic>-value`) */
  schema: z.ZodType;
  events: readonly EventContract[];
}

/** A union's event types, where each member's `type` literal is also its `ce_type`. */
function byTypeField(union: { options: readonly (z.ZodType & { shape: { type: z.ZodType } })[] }): EventContract[] {
  return union.options.map((option) => {
    const type = (option.shape.type as z.ZodLiteral<string>).value;
    return { name: type, ceType: type, schema: option };
  });
}

/** Ingress writes each Retell event under `ai.retell.webhook.<event>`, known or not. */
const RETELL_EVENTS: EventContract[] = [
  ...KNOWN_RETELL_EVENT_TYPES.map((event) => ({
    name: retellEventType(event),
    ceType: retellEventType(event),
    schema: RETELL_WEBHOOK_EVENT_SCHEMAS[event],
  })),
  {
    name: 'retell.webhook.unknown-event',
    ceType: new RegExp(`^${retellEventType('').replaceAll('.', '\\.')}`),
    schema: RetellWebhookEnvelopeSchema,
    summary:
      'An event type the contracts do not know yet: stored as Retell sent it, only `event` and `call.call_id` are checked.',
  },
];

/** Each topic's contract, key, producer and consumers: what docs/contracts and docs/asyncapi.yaml are generated from. */
export const TOPIC_CONTRACTS: readonly TopicContract[] = [
  {
    topic: TOPICS.retellWebhookEvents,
    key: 'Retell call_id',
    producer: 'ingress',
    consumers: ['call-processor'],
    about: 'Retell call-event webhooks as ingress received them (signature checked, body unchanged).',
    schema: RetellWebhookEventValueSchema,
    events: RETELL_EVENTS,
  },
  {
    topic: TOPICS.callLifecycle,
    key: 'Retell call_id',
    producer: 'call-processor',
    consumers: ['cost'],
    about: 'Call lifecycle facts: routed to a tenant (or not), ended, analysed.',
    schema: CallLifecycleEventSchema,
    events: byTypeField(CallLifecycleEventSchema),
  },
  {
    topic: TOPICS.bookingIntents,
    key: 'Retell call_id',
    producer: 'call-processor',
    consumers: ['booking', 'cost'],
    about: 'What the caller wants booked, or that the business should call back.',
    schema: BookingIntentEventSchema,
    events: byTypeField(BookingIntentEventSchema),
  },
  {
    topic: TOPICS.tenantDirectory,
    key: 'entity id',
    compacted: true,
    producer: 'call-processor',
    consumers: ['booking', 'cost'],
    about:
      'The current state of each tenant directory entity (company, branch, service, phone number, staff) ' +
      'whenever it is created or changed; deactivation is `active: false`, never a tombstone.',
    schema: DirectoryEntityChangedV1Schema,
    events: [
      {
        name: DIRECTORY_ENTITY_CHANGED_V1,
        ceType: DIRECTORY_ENTITY_CHANGED_V1,
        schema: DirectoryEntityChangedV1Schema,
      },
    ],
  },
  {
    topic: TOPICS.bookingOutcomes,
    key: 'Retell call_id',
    producer: 'booking',
    consumers: ['cost', 'downstream'],
    about:
      'What became of each booking intent: confirmed, alternatives offered, failed, cancelled, rescheduled. ' +
      '`booking.confirmed.v1` has `alternative: true` when the booked start is one booking offered earlier ' +
      "in the same call because the caller's wish was taken (a live book's alternatives, or " +
      '`booking.alternatives-offered.v1`), whether the caller booked it during the call or it was booked after.',
    schema: BookingOutcomeV1Schema,
    events: byTypeField(BookingOutcomeV1Schema),
  },
  {
    topic: TOPICS.bookingCommands,
    key: 'Retell call_id',
    producer: 'ingress',
    consumers: ['booking'],
    about:
      'Internal: what the agent asks booking to do while the caller is on the line (book, reschedule, cancel), ' +
      'with a correlation id (`commandId`) and an idempotency key.',
    schema: BookingCommandV1Schema,
    events: byTypeField(BookingCommandV1Schema),
  },
  {
    topic: TOPICS.bookingCommandResults,
    key: 'Retell call_id',
    producer: 'booking',
    consumers: ['ingress'],
    about:
      "Internal: booking's answer to each command, matched by ingress on `commandId`. " +
      'Downstream teams read booking.outcomes.v1 instead.',
    schema: BookingCommandResultEventSchema,
    events: byTypeField(BookingCommandResultEventSchema),
  },
  {
    topic: TOPICS.callCosts,
    key: 'Retell call_id',
    producer: 'cost',
    consumers: ['downstream'],
    about:
      'What each call cost (Retell, Twilio for imported numbers) and what the platform and the reseller earned on it: ' +
      'the first costing, then an adjustment for every later change (revision, cause, the lines appended).',
    schema: CallCostEventSchema,
    events: byTypeField(CallCostEventSchema),
  },
];

/** The files of docs/contracts: one JSON Schema per topic (as registered) and an index. */
export function contractDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const rows: string[] = [];
  for (const c of TOPIC_CONTRACTS) {
    const name = `${c.topic}.schema.json`;
    files.set(name, `${JSON.stringify(toRegistryJsonSchema(c.schema), null, 2)}\n`);
    rows.push(`| \`${c.topic}\` | ${c.key}${c.compacted ? ' (compacted)' : ''} | ${c.producer} | [${name}](${name}) |`);
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
      'consumers deduplicate on it. The zod sources are in `packages/contracts/src`. The same topics',
      'as an AsyncAPI 3.0 document, with producers, consumers and one message per event type:',
      '[../asyncapi.yaml](../asyncapi.yaml).',
      '',
      '| topic | key | producer | value schema |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  return files;
}
