/**
 * Creates the project's topics (and their dead-letter topics) if they are missing. Every call
 * topic is keyed by call id; partitions bound consumer parallelism, so they are set here, not by
 * broker auto-creation. Usage: tsx scripts/create-topics.ts [partitions=6]
 */
import { TOPIC_MAX_MESSAGE_BYTES } from '@rb/contracts';
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { allTopics, DEFAULT_PARTITIONS, partitionsOf, topicConfigOf } from './lib/topic-plan';

async function main(): Promise<void> {
  const partitions = Number(process.argv[2] ?? DEFAULT_PARTITIONS);
  const kafka = new Kafka({
    clientId: 'create-topics',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = allTopics();
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitionsOf(topic, partitions),
          configEntries: Object.entries(topicConfigOf(topic)).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    await alignSizeLimits(
      admin,
      wanted.filter((t) => existing.has(t)),
    );
    await alignPartitions(
      admin,
      wanted.filter((t) => existing.has(t)),
      partitions,
    );
    console.log(
      `topics: ${wanted.length - missing.length} present, ${missing.length} created${missing.length ? ` (${missing.join(', ')})` : ''}`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Command topics created with fewer partitions (before the live-command rule of lib/topic-plan.ts) get more; partitions are never taken away. */
async function alignPartitions(admin: Admin, topics: string[], partitions: number): Promise<void> {
  const { topics: described } = await admin.fetchTopicMetadata({ topics });
  const behind = described.filter((t) => t.partitions.length < partitionsOf(t.name, partitions));
  if (behind.length === 0) return;
  await admin.createPartitions({
    topicPartitions: behind.map((t) => ({ topic: t.name, count: partitionsOf(t.name, partitions) })),
  });
  console.log(`topics: partitions raised on ${behind.map((t) => t.name).join(', ')}`);
}

/** Topics created before the size limit was set get it now (an incremental change, nothing else touched). */
async function alignSizeLimits(admin: Admin, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
  });
  const behind = described.resources
    .filter((r) =>
      r.configEntries.some(
        (e) => e.configName === 'max.message.bytes' && Number(e.configValue) < TOPIC_MAX_MESSAGE_BYTES,
      ),
    )
    .map((r) => r.resourceName);
  if (behind.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: behind.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }],
    })),
  });
  console.log(`topics: max.message.bytes raised to ${TOPIC_MAX_MESSAGE_BYTES} on ${behind.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`create-topics failed: ${(error as Error).message}`);
  process.exit(1);
});
