import type { Consumer } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';

interface NextOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The offsets of messages that are done, committed in flushes (on a timer and at stop) rather than
 * one by one: the inbox makes a redelivery harmless, so a crash redelivers at most one interval's
 * worth, as duplicates. One flush at a time.
 */
export class OffsetCommits {
  /** per topic-partition: the next offset to commit, once a flush comes */
  private readonly processed = new Map<string, NextOffset>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** bumped when the group rebalances: offsets processed before belong to the old assignment */
  private generation = 0;

  /** `consumer`: the one to commit through, the current one (a crashed consumer is replaced) */
  constructor(private readonly consumer: () => Consumer | undefined) {}

  /** Marks the message done; its offset is committed with the next flush. */
  markDone(message: ConsumedMessage): void {
    const next = (BigInt(message.offset) + 1n).toString();
    this.processed.set(`${message.topic}:${message.partition}`, {
      topic: message.topic,
      partition: message.partition,
      offset: next,
    });
  }

  /**
   * A fresh consumer, or partitions that moved: what was processed but not yet committed belongs
   * to the old assignment and is redelivered to the new owner (duplicates).
   */
  forget(): void {
    this.generation++;
    this.processed.clear();
  }

  startFlushing(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
  }

  stopFlushing(): void {
    clearInterval(this.timer);
  }

  /** Commits the offsets processed since the last flush; one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commitProcessed());
    return this.flushing;
  }

  private async commitProcessed(): Promise<void> {
    const consumer = this.consumer();
    if (this.processed.size === 0 || !consumer) return;
    const offsets = [...this.processed.values()];
    const generation = this.generation;
    this.processed.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch {
      // kept for the next flush, unless the partitions moved meanwhile or a newer offset came
      if (generation !== this.generation) return;
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.processed.has(key)) this.processed.set(key, o);
      }
    }
  }
}
