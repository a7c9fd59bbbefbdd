import { randomBytes } from 'node:crypto';
import type { Admin, KafkaMessage } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_MAX_MESSAGE_BYTES } from '@rb/contracts';

export const testBrokers = (): string[] => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const testRegistryUrl = (): string => process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
export const testRedisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other test run uses: each test creates its own topics and keys. */
export const uniqueName = (prefix: string): string =>
  `${prefix}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'tests', brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** A topic configured like the project's own (scripts/create-topics.ts): the same size limit. */
export async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  const configEntries = [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }];
  await withAdmin(async (admin) => {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true });
    } catch (error) {
      // kafkajs's wait for leaders retries only LEADER_NOT_AVAILABLE; a broker that has just started
      // may answer UNKNOWN_TOPIC_OR_PARTITION for a topic it created a moment ago (seen on a fresh
      // CI machine): the topic exists, its metadata is on its way
      if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      await waitForLeaders(admin, topic);
    }
  });
}

async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const partitions = metadata?.topics[0]?.partitions ?? [];
    if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many messages the topic holds: deterministic once every producer has its acknowledgement. */
export async function messageCount(topic: string): Promise<number> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Reads every message currently on the topic (up to the high watermark) and returns them. */
export async function readAll(topic: string, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const expected = await messageCount(topic);
  const messages: KafkaMessage[] = [];
  if (expected === 0) return messages;
  const consumer = testKafka().consumer({ groupId: uniqueName('test-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} of ${expected} messages from ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
