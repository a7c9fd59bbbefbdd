import { Registry } from 'prom-client';
import type { LagAdmin } from './consumer-lag';
import { ConsumerLag, partitionLag } from './consumer-lag';
import { createLogger } from './logger';

describe('partitionLag', () => {
  it('when the group committed an offset, then the lag is the high watermark minus it', () => {
    expect(partitionLag({ committed: '7', high: '10', low: '0' })).toBe(3);
  });

  it('when the group committed everything, then the lag is 0', () => {
    expect(partitionLag({ committed: '10', high: '10', low: '4' })).toBe(0);
  });

  it('when the group has no committed offset yet, then it counts from the low watermark', () => {
    expect(partitionLag({ committed: '-1', high: '10', low: '4' })).toBe(6);
  });

  it('when the committed offset was deleted by retention, then it counts from the low watermark', () => {
    expect(partitionLag({ committed: '2', high: '10', low: '4' })).toBe(6);
  });

  it('when the partition is empty and nothing was committed, then the lag is 0', () => {
    expect(partitionLag({ committed: '-1', high: '0', low: '0' })).toBe(0);
  });
});

/** A kafkajs admin with the broker gone: what it is asked never answers, until it is disconnected. */
class HangingAdmin implements LagAdmin {
  readonly calls: string[] = [];
  private readonly waiting: ((error: Error) => void)[] = [];
  constructor(private readonly hangOn: 'connect' | 'fetchOffsets') {}

  connect(): Promise<void> {
    this.calls.push('connect');
    return this.hangOn === 'connect' ? this.hang() : Promise.resolve();
  }
  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    // like kafkajs, requests in flight fail once their connection is closed
    for (const fail of this.waiting.splice(0)) fail(new Error('Closed connection'));
  }
  fetchOffsets(): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    this.calls.push('fetchOffsets');
    return this.hang();
  }
  fetchTopicOffsets(): Promise<{ partition: number; high: string; low: string }[]> {
    this.calls.push('fetchTopicOffsets');
    return this.hang();
  }
  private hang<T>(): Promise<T> {
    return new Promise<T>((_, reject) => this.waiting.push(reject));
  }
}

describe('ConsumerLag.stop', () => {
  const log = createLogger({ service: 'test', level: 'silent' });
  const groups = [
    { groupId: 'g1', topics: ['t1'] },
    { groupId: 'g2', topics: ['t2'] },
  ];
  /** resolves with 'stopped', or with 'hung' if stop() takes longer than a second */
  const stopWithin = (lag: ConsumerLag) =>
    Promise.race([
      lag.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 1_000).unref()),
    ]);
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it.each(['fetchOffsets', 'connect'] as const)(
    'when a round hangs in %s because the broker is away, then stop() returns at once, disconnecting its admin',
    async (hangOn) => {
      const admins: HangingAdmin[] = [];
      const lag = new ConsumerLag({
        admin: () => admins[admins.push(new HangingAdmin(hangOn)) - 1]!,
        groups,
        registry: new Registry(),
        log,
      }).start();
      await until(() => admins[0]?.calls.includes(hangOn) ?? false);

      expect(await stopWithin(lag)).toBe('stopped');
      expect(admins[0]!.calls).toContain('disconnect');
    },
  );

  it('when stopped in a round, then the round goes on to no other group and connects no other admin', async () => {
    const admins: HangingAdmin[] = [];
    const registry = new Registry();
    const lag = new ConsumerLag({
      admin: () => admins[admins.push(new HangingAdmin('fetchOffsets')) - 1]!,
      groups,
      registry,
      log,
    }).start();
    await until(() => admins[0]?.calls.includes('fetchOffsets') ?? false);
    await lag.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(admins).toHaveLength(1);
    expect(admins[0]!.calls).toEqual(['connect', 'fetchOffsets', 'disconnect']);
    // the abandoned round is not a failed measurement
    const { values } = await registry.getSingleMetric('kafka_consumer_lag_errors_total')!.get();
    expect(values.map((v) => v.value)).toEqual([0, 0]);
  });
});
