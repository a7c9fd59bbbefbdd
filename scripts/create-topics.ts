/**
 * Creates the project's topics (and their dead-letter topics) if they are missing. Every call
 * topic is keyed by call id; partitions bound consumer parallelism, so they are set here, not by
 * broker auto-creation. Usage: tsx scripts/create-topics.ts [partitions=6]
 */
import { deadLetterTopic, TOPICS } from '@rb/contracts';
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const partitions = Number(process.argv[2] ?? 6);
  const kafka = new Kafka({
    clientId: 'create-topics',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = Object.values(TOPICS).flatMap((t) => [t, deadLetterTopic(t)]);
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          // the directory is state, not history: the latest value per entity id is kept
          ...(topic === TOPICS.tenantDirectory
            ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }
            : {}),
        })),
      });
    }
    console.log(
      `topics: ${wanted.length - missing.length} present, ${missing.length} created${missing.length ? ` (${missing.join(', ')})` : ''}`,
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`create-topics failed: ${(error as Error).message}`);
  process.exit(1);
});
