import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { DirectoryEntityChangedV1Schema } from '@rb/contracts';
import { decodeContractMessage, toConsumed } from '@rb/kafka-runner/produce';
import type { Logger } from '@rb/observability';
import type { RoutingDirectory } from './routing-directory';

export interface DirectoryFeedOptions {
  kafka: Kafka;
  topic: string;
  directory: RoutingDirectory;
  log: Logger;
  /** each event read: applied, stale (an older state than held) or unreadable (skipped, logged) */
  onEvent?: (outcome: 'applied' | 'stale' | 'unreadable') => void;
}

/**
 * Feeds the routing directory from the compacted tenants.directory.v1, from its start, in every
 * replica (a consumer group of its own, never committing: the whole topic is the state). Caught up
 * once it has read every partition up to where it ended when the feed started; until then
 * ingress is not ready, so call_inbound never answers from half a directory. A message it cannot
 * read is skipped and logged: the topic is call-processor's, validated when written.
 */
export class DirectoryFeed {
  private consumer: Consumer | undefined;
  /** partitions still to read up to the end they had at start: partition → that end offset */
  private readonly behind = new Map<number, bigint>();
  private started = false;
  private stopped = false;

  constructor(private readonly options: DirectoryFeedOptions) {}

  get caughtUp(): boolean {
    return this.started && this.behind.size === 0;
  }

  /** Resolves once caught up (start-up waits for it, bounded, so a fresh ingress is ready at once). */
  async whenCaughtUp(pollMs = 20): Promise<void> {
    while (!this.caughtUp && !this.stopped) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  /** Starts reading; throws (having cleaned up) when it cannot, so it can be tried again. */
  async start(): Promise<void> {
    try {
      await this.startReading();
    } catch (error) {
      await this.consumer?.disconnect().catch(() => undefined);
      this.consumer = undefined;
      throw error;
    }
  }

  private async startReading(): Promise<void> {
    const { kafka, topic } = this.options;
    this.behind.clear();
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
        if (BigInt(high) > BigInt(low)) this.behind.set(partition, BigInt(high));
    } finally {
      await admin.disconnect();
    }
    // a fetch waits at most half a second for new entities: stop() waits for the fetch in flight
    this.consumer = kafka.consumer({
      groupId: `ingress-directory-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.read(toConsumed(topic, partition, message));
        const end = this.behind.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) this.behind.delete(partition);
      },
    });
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
  }

  private read(message: ReturnType<typeof toConsumed>): void {
    try {
      const { value } = decodeContractMessage(message, DirectoryEntityChangedV1Schema, 'directory event');
      this.options.onEvent?.(this.options.directory.apply(value) ? 'applied' : 'stale');
    } catch (error) {
      this.options.onEvent?.('unreadable');
      this.options.log.warn(
        { partition: message.partition, offset: message.offset, code: (error as { code?: string }).code },
        'directory event unreadable; skipped',
      );
    }
  }
}
