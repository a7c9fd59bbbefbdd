import { AssignerProtocol } from 'kafkajs';
import { deadLetterTopic } from '@rb/kafka-runner';
import { createTopic, testKafka, withAdmin } from './kafka';

/**
 * What a service's consumer groups and its lag gauge say once it has consumed messages on every
 * topic of a test: `running` is each group the broker has with a member assigned one of those
 * topics (the service's running consumers, whatever their names), `expected` a lag of 0 for every
 * partition of every topic each reads (`<group> <topic> <partition> 0`), and `measured` the
 * service's `kafka_consumer_lag` series in the same form. A lag group named apart from its
 * consumer shows as a series that never reaches 0 (nobody commits for it) and a running group
 * without its series.
 */
export interface LagOfRunningGroups {
  running: Map<string, string[]>;
  expected: string[];
  measured: string[];
}

/**
 * Sends `perPartition` messages that break every contract to each partition of each topic (the
 * consumers dead-letter them and commit, as for any message), then waits until the service's lag
 * of the groups reading them is 0 on every partition, or `timeoutMs` passes.
 * `topics`: every topic the service was given, read or written: a group reading one it only
 * writes is found too.
 */
export async function consumeAndMeasureLag(
  topics: readonly string[],
  metrics: () => Promise<string>,
  { perPartition = 2, timeoutMs = 30_000 } = {},
): Promise<LagOfRunningGroups> {
  await Promise.all(topics.map((topic) => createTopic(deadLetterTopic(topic))));
  const partitions = new Map(await Promise.all(topics.map(async (t) => [t, await partitionsOf(t)] as const)));
  await produce(partitions, perPartition);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await groupsReading(topics);
    const expected = [...running]
      .flatMap(([group, read]) => read.flatMap((t) => partitions.get(t)!.map((p) => `${group} ${t} ${p} 0`)))
      .sort();
    const measured = lagSeries(await metrics());
    if ((expected.length > 0 && sameList(expected, measured)) || Date.now() > deadline)
      return { running, expected, measured };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The groups with a member assigned any of `topics`, and which of them each is assigned. */
export async function groupsReading(topics: readonly string[]): Promise<Map<string, string[]>> {
  return withAdmin(async (admin) => {
    const { groups: listed } = await admin.listGroups();
    const consumerGroups = listed.filter((g) => g.protocolType === 'consumer').map((g) => g.groupId);
    const { groups } = await admin.describeGroups(consumerGroups);
    const reading = new Map<string, string[]>();
    for (const { groupId, members } of groups) {
      const assigned = new Set(
        members.flatMap((m) =>
          Object.keys(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}),
        ),
      );
      const read = topics.filter((t) => assigned.has(t));
      if (read.length > 0) reading.set(groupId, read);
    }
    return reading;
  });
}

/** `kafka_consumer_lag` in a /metrics text, as `<group> <topic> <partition> <lag>`, sorted. */
export function lagSeries(metricsText: string): string[] {
  return [...metricsText.matchAll(/^kafka_consumer_lag\{([^}]*)\} (\S+)$/gm)]
    .map(([, labels, value]) => {
      const l = Object.fromEntries([...labels!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
      return `${l.group} ${l.topic} ${l.partition} ${value}`;
    })
    .sort();
}

async function partitionsOf(topic: string): Promise<number[]> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  return offsets.map((o) => o.partition).sort((a, b) => a - b);
}

async function produce(partitions: Map<string, number[]>, perPartition: number): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...partitions].map(([topic, ps]) => ({
        topic,
        messages: ps.flatMap((partition) =>
          Array.from({ length: perPartition }, (_, i) => ({
            partition,
            key: `k${i}`,
            value: 'not a contract message',
          })),
        ),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
