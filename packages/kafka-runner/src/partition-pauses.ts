import type { Consumer } from 'kafkajs';

/**
 * The partitions a runner paused because a dependency was down, each with its resume timer. A
 * paused partition is rewound to the message that met the outage, so it is read again on resume.
 */
export class PartitionPauses {
  private readonly paused = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  has(topic: string, partition: number): boolean {
    return this.paused.has(`${topic}:${partition}`);
  }

  /** Pauses and rewinds; resumes after `resumeAfterMs` unless `resumeAfterMs` is undefined (stopping). */
  pause(consumer: Consumer, at: { topic: string; partition: number; offset: string }, resumeAfterMs?: number): void {
    const partition = [{ topic: at.topic, partitions: [at.partition] }];
    const key = `${at.topic}:${at.partition}`;
    this.paused.add(key);
    // a consumer that crashed meanwhile has no partitions: its successor reads the message again
    ignoreGone(() => {
      consumer.pause(partition);
      consumer.seek(at);
    });
    if (resumeAfterMs === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.paused.delete(key);
      ignoreGone(() => consumer.resume(partition));
    }, resumeAfterMs);
    this.timers.add(timer);
  }

  /** Forgets every pause and its timer: the consumer stops, or a fresh one replaces it. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.paused.clear();
  }
}

/** kafkajs throws when a consumer that crashed (or stopped) is paused, resumed or sought. */
export function ignoreGone(action: () => void): void {
  try {
    action();
  } catch {
    // nothing to pause or resume on a consumer that is gone: its successor reads the partition anew
  }
}
