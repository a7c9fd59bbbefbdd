import { Registry } from 'prom-client';
import { createTopic, testKafka, uniqueName, withAdmin } from '../../../test/support/kafka';
import { ConsumerLag } from './consumer-lag';
import { createLogger } from './logger';

/** Integration: the real broker's committed offsets and watermarks. */
const log = createLogger({ service: 'test', level: 'silent' });

async function produce(topic: string, counts: number[]): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    const messages = counts.flatMap((n, partition) =>
      Array.from({ length: n }, (_, i) => ({ partition, value: `m${partition}-${i}` })),
    );
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/** What the group committed: the offset of the next message it would read, per partition. */
const commit = (groupId: string, topic: string, offsets: Record<number, number>) =>
  withAdmin((admin) =>
    admin.setOffsets({
      groupId,
      topic,
      partitions: Object.entries(offsets).map(([partition, offset]) => ({
        partition: Number(partition),
        offset: String(offset),
      })),
    }),
  );

async function lagSeries(registry: Registry): Promise<Record<string, string | number>[]> {
  const { values } = await registry.getSingleMetric('kafka_consumer_lag')!.get();
  return values.map(({ labels, value }) => ({ ...(labels as Record<string, string>), value }));
}

async function errorCount(registry: Registry, group: string): Promise<number | undefined> {
  const { values } = await registry.getSingleMetric('kafka_consumer_lag_errors_total')!.get();
  return values.find((v) => v.labels.group === group)?.value;
}

function startLag(registry: Registry, groups: { groupId: string; topics: string[] }[]) {
  // no retries: a topic that is gone fails the round at once instead of after kafkajs's backoff
  const admin = () => testKafka().admin({ retry: { retries: 0 } });
  return new ConsumerLag({ admin, groups, registry, log });
}

describe('ConsumerLag against the real broker', () => {
  it('when a group committed part of each partition, then the gauge shows what is left per partition', async () => {
    const topic = uniqueName('it.lag');
    const groupId = uniqueName('it.lag-group');
    await createTopic(topic, 3);
    await produce(topic, [5, 4, 0]);
    await commit(groupId, topic, { 0: 2 }); // partition 1: nothing committed yet
    const registry = new Registry();
    const lag = startLag(registry, [{ groupId, topics: [topic] }]);
    try {
      await lag.measure();
      expect(await lagSeries(registry)).toEqual(
        expect.arrayContaining([
          { group: groupId, topic, partition: '0', value: 3 },
          // no committed offset: everything from the low watermark is still to read
          { group: groupId, topic, partition: '1', value: 4 },
          { group: groupId, topic, partition: '2', value: 0 },
        ]),
      );
      expect(await lagSeries(registry)).toHaveLength(3);

      await commit(groupId, topic, { 0: 5, 1: 1 });
      await produce(topic, [0, 0, 2]);
      await lag.measure();
      expect(await lagSeries(registry)).toEqual(
        expect.arrayContaining([
          { group: groupId, topic, partition: '0', value: 0 },
          { group: groupId, topic, partition: '1', value: 3 },
          { group: groupId, topic, partition: '2', value: 2 },
        ]),
      );
      expect(await errorCount(registry, groupId)).toBe(0);
    } finally {
      await lag.stop();
    }
  });

  it('when a group cannot be measured, then its series go and the failure is counted, and other groups are still measured', async () => {
    const kept = uniqueName('it.lag-kept');
    const gone = uniqueName('it.lag-gone');
    const [keptGroup, goneGroup] = [uniqueName('it.lag-kept-group'), uniqueName('it.lag-gone-group')];
    await Promise.all([createTopic(kept), createTopic(gone)]);
    await produce(kept, [3]);
    await produce(gone, [2]);
    const registry = new Registry();
    const lag = startLag(registry, [
      { groupId: goneGroup, topics: [gone] },
      { groupId: keptGroup, topics: [kept] },
    ]);
    try {
      await lag.measure();
      expect(await lagSeries(registry)).toEqual(
        expect.arrayContaining([
          { group: goneGroup, topic: gone, partition: '0', value: 2 },
          { group: keptGroup, topic: kept, partition: '0', value: 3 },
        ]),
      );

      await withAdmin((admin) => admin.deleteTopics({ topics: [gone] }));
      await lag.measure();
      expect(await lagSeries(registry)).toEqual([{ group: keptGroup, topic: kept, partition: '0', value: 3 }]);
      expect(await errorCount(registry, goneGroup)).toBe(1);
      expect(await errorCount(registry, keptGroup)).toBe(0);
    } finally {
      await lag.stop();
    }
  });

  it('when started, then it measures at once and again after each interval until stopped', async () => {
    const topic = uniqueName('it.lag-timer');
    const groupId = uniqueName('it.lag-timer-group');
    await createTopic(topic);
    const registry = new Registry();
    const admin = () => testKafka().admin();
    const lag = new ConsumerLag({ admin, groups: [{ groupId, topics: [topic] }], registry, log, intervalMs: 100 });
    const lagOf = async () => (await lagSeries(registry)).find((s) => s.partition === '0')?.value;
    const waitFor = async (expected: number) => {
      const deadline = Date.now() + 10_000;
      while ((await lagOf()) !== expected) {
        if (Date.now() > deadline) throw new Error(`lag stayed ${await lagOf()}, expected ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    lag.start();
    try {
      await waitFor(0);
      await produce(topic, [4]);
      await waitFor(4);
    } finally {
      await lag.stop();
    }
    await produce(topic, [1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lagOf()).toBe(4);
  });
});
