import type { Consumer } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import { OffsetCommits } from './offset-commits';

type Offsets = { topic: string; partition: number; offset: string }[];

/** A consumer that records each commit; `failNext` makes the next one fail (a rebalance in progress). */
function committingConsumer() {
  const commits: Offsets[] = [];
  let failNext = false;
  const consumer = {
    commitOffsets: async (offsets: Offsets) => {
      if (failNext) {
        failNext = false;
        throw new Error('The coordinator is not aware of this member');
      }
      commits.push(offsets);
    },
  } as unknown as Consumer;
  return { consumer, commits, failNext: () => void (failNext = true) };
}

const message = (partition: number, offset: number): ConsumedMessage => ({
  topic: 't',
  partition,
  offset: String(offset),
  key: null,
  value: null,
  headers: {},
  timestamp: 0,
});

describe('offset commits', () => {
  it('when messages are done, then one flush commits the offset after the last of each partition', async () => {
    const { consumer, commits } = committingConsumer();
    const offsets = new OffsetCommits(() => consumer);
    offsets.markDone(message(0, 4));
    offsets.markDone(message(0, 5));
    offsets.markDone(message(1, 9));
    await offsets.flush();
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '6' },
        { topic: 't', partition: 1, offset: '10' },
      ],
    ]);
    await offsets.flush();
    expect(commits).toHaveLength(1);
  });

  it('when a commit fails, then its offsets are kept for the next flush, unless a newer one came meanwhile', async () => {
    const { consumer, commits, failNext } = committingConsumer();
    const offsets = new OffsetCommits(() => consumer);
    offsets.markDone(message(0, 4));
    offsets.markDone(message(1, 7));
    failNext();
    const failing = offsets.flush();
    await Promise.resolve(); // the flush has taken its offsets and waits for the broker
    offsets.markDone(message(1, 8));
    await failing;
    await offsets.flush();
    expect(commits).toEqual([
      [
        { topic: 't', partition: 1, offset: '9' },
        { topic: 't', partition: 0, offset: '5' },
      ],
    ]);
  });

  it('when the partitions moved while a commit failed, then its offsets are dropped (the new owner reads them again)', async () => {
    const { consumer, commits, failNext } = committingConsumer();
    const offsets = new OffsetCommits(() => consumer);
    offsets.markDone(message(0, 4));
    failNext();
    const failing = offsets.flush();
    await Promise.resolve();
    offsets.forget();
    await failing;
    await offsets.flush();
    expect(commits).toEqual([]);
  });

  it('when there is no consumer yet, then a flush keeps what is done for later', async () => {
    const { consumer, commits } = committingConsumer();
    const group: { member?: Consumer } = {};
    const offsets = new OffsetCommits(() => group.member);
    offsets.markDone(message(0, 1));
    await offsets.flush();
    group.member = consumer;
    await offsets.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '2' }]]);
  });
});
