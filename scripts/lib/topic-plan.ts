/**
 * How the project's topics are laid out on a broker: partitions and per-topic settings, for every
 * topic of `@rb/contracts` and its dead-letter topic. scripts/create-topics.ts applies it to a
 * broker; deploy/k8s declares the same as Strimzi KafkaTopics, and test/k8s-manifests.test.ts
 * holds the two together.
 */
import { deadLetterTopic, TOPIC_MAX_MESSAGE_BYTES, TOPICS } from '@rb/contracts';

/** What every topic gets unless it is one of the live command topics below. */
export const DEFAULT_PARTITIONS = 6;

/**
 * The live commands (and their answers) get at least 12 partitions: a command holds its partition
 * while booking waits for Cal.com and a caller waits for the answer, so commands of different
 * calls must be spread wide enough to be handled side by side (booking's CONSUMER_CONCURRENCY is
 * 12). Every other topic: `partitions`.
 */
export const LIVE_COMMAND_PARTITIONS = 12;

/** Every topic the project uses: each contract topic followed by its dead-letter topic. */
export function allTopics(): string[] {
  return Object.values(TOPICS).flatMap((t) => [t, deadLetterTopic(t)]);
}

export function partitionsOf(topic: string, partitions: number = DEFAULT_PARTITIONS): number {
  const live = topic === TOPICS.bookingCommands || topic === TOPICS.bookingCommandResults;
  return live ? Math.max(partitions, LIVE_COMMAND_PARTITIONS) : partitions;
}

/** The settings a topic is created with (besides the broker's defaults). */
export function topicConfigOf(topic: string): Record<string, string> {
  return {
    // everything ingress accepts (MAX_BODY_BYTES) is storable, and so is its dead letter
    'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES),
    // the directory is state, not history: the latest value per entity id is kept
    ...(topic === TOPICS.tenantDirectory ? { 'cleanup.policy': 'compact' } : {}),
  };
}
