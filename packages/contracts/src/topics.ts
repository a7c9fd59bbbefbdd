/**
 * Topic names. Every call topic is keyed by the Retell `call_id` so one call's events stay ordered
 * on one partition; the directory topic is compacted and keyed by entity id. Versions are part of the name: a breaking change is a new topic beside the old.
 */
export const TOPICS = {
  /** Raw, validated Retell call-event webhooks as ingress received them. Key: call_id. */
  retellWebhookEvents: 'retell.webhook-events.v1',
  /** Call lifecycle facts (routed, ended, analysed) from call-processor. Key: call_id. */
  callLifecycle: 'calls.lifecycle.v1',
  /** What the caller wants booked, from call-processor. Key: call_id. */
  bookingIntents: 'calls.booking-intents.v1',
  /** Tenant directory entities (company, branch, service, number, staff), compacted. Key: entity id. */
  tenantDirectory: 'tenants.directory.v1',
  /** Booking results from booking, for downstream teams. Key: call_id. */
  bookingOutcomes: 'booking.outcomes.v1',
  /** What the agent asks booking to do during a live call (book, move, cancel), from ingress. Key: call_id. */
  bookingCommands: 'booking.commands.v1',
  /** booking's answer to each command, for the ingress replica waiting for it. Key: call_id. */
  bookingCommandResults: 'booking.command-results.v1',
  /** What each call cost and what each party earned on it, from cost's ledger. Key: call_id. */
  callCosts: 'cost.call-costs.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Dead-letter topic for a topic: poison messages land here with the error in headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Registry subject for a topic's values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * The largest record batch every topic (and its dead-letter topic) accepts: `max.message.bytes`
 * of each topic, the broker's `message.max.bytes`, and what producers may put in one request for
 * one partition. It leaves room above ingress's largest body (MAX_BODY_BYTES, 2 MiB) for the
 * registry header, CloudEvents headers and the batch's framing, so everything ingress accepts is
 * storable, even uncompressed. Consumers fetch at least this much per partition.
 */
export const TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
