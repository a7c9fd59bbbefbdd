import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { BookingCommandAnsweredV1 } from '@rb/contracts';
import { BookingCommandResultEventSchema } from '@rb/contracts';
import { decodeContractMessage, toConsumed } from '@rb/kafka-runner/produce';
import type { Logger } from '@rb/observability';

/** A request waiting for booking's answer to its command: the answer, or undefined at the deadline. */
export interface Waiting {
  answer: Promise<BookingCommandAnsweredV1 | undefined>;
  /** stop waiting (the command was never stored) */
  cancel(): void;
}

/** The port the command use cases wait through; CommandReplies below, or a fake in tests. */
export interface AwaitReplies {
  /** registered before the command is sent, so an answer faster than the send is not missed; `full` when too many wait */
  expect(commandId: string, deadlineMs: number): Waiting | 'full';
}

export interface CommandRepliesOptions {
  kafka: Kafka;
  /** booking.command-results.v1, or a test's topic */
  topic: string;
  log: Logger;
  /** requests waiting at once, at most (each holds an entry until its answer or deadline) */
  maxWaiting: number;
  /** each answer read: for a request waiting here, for another replica's (or a late one's), or unreadable */
  onRead?: (outcome: 'matched' | 'not_waiting' | 'unreadable') => void;
}

interface Entry {
  resolve: (answer: BookingCommandAnsweredV1 | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * booking's answers to the commands, for the requests of this ingress process that wait for them.
 * Every replica reads every answer (a consumer group of its own, `ingress-replies-<uuid>`, from
 * the topic's end at start-up, never committing) and resolves the one waiting by its command id;
 * an answer for nobody here is another replica's, or came after its deadline. Ready once the
 * consumer has joined and fetched (its starting offsets are fixed): until then an answer could
 * pass unseen, so the booking commands answer not_ready (readiness does not wait for it: webhooks
 * and call_inbound do not need it).
 */
export class CommandReplies implements AwaitReplies {
  private readonly waiting = new Map<string, Entry>();
  private consumer: Consumer | undefined;
  private joined = false;
  private fetched = false;

  constructor(private readonly options: CommandRepliesOptions) {}

  get ready(): boolean {
    return this.joined && this.fetched;
  }

  /** how many requests are waiting now */
  get size(): number {
    return this.waiting.size;
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
    const consumer = kafka.consumer({
      groupId: `ingress-replies-${randomUUID()}`,
      allowAutoTopicCreation: false,
      // an empty poll returns after this long; an answer arriving returns it at once
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.fetched = false;
    });
    // a fetch resolves the starting offsets first: from then on every new answer is seen
    consumer.on(consumer.events.FETCH, () => (this.fetched = this.joined));
    consumer.on(consumer.events.CRASH, () => (this.joined = this.fetched = false));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => this.read(toConsumed(topic, partition, message)),
    });
  }

  async stop(): Promise<void> {
    this.joined = this.fetched = false;
    await this.consumer?.disconnect();
    for (const [commandId, entry] of this.waiting) this.settle(commandId, entry, undefined);
  }

  expect(commandId: string, deadlineMs: number): Waiting | 'full' {
    if (this.waiting.size >= this.options.maxWaiting || this.waiting.has(commandId)) return 'full';
    let entry!: Entry;
    const answer = new Promise<BookingCommandAnsweredV1 | undefined>((resolve) => {
      entry = { resolve, timer: setTimeout(() => this.settle(commandId, entry, undefined), deadlineMs) };
    });
    this.waiting.set(commandId, entry);
    return { answer, cancel: () => this.settle(commandId, entry, undefined) };
  }

  /** An answer read off the topic: the request waiting for it gets it. */
  deliver(answer: BookingCommandAnsweredV1): boolean {
    const entry = this.waiting.get(answer.commandId);
    if (!entry) return false;
    this.settle(answer.commandId, entry, answer);
    return true;
  }

  private settle(commandId: string, entry: Entry, answer: BookingCommandAnsweredV1 | undefined): void {
    if (this.waiting.get(commandId) !== entry) return;
    this.waiting.delete(commandId);
    clearTimeout(entry.timer);
    entry.resolve(answer);
  }

  private read(message: ReturnType<typeof toConsumed>): void {
    try {
      const { value } = decodeContractMessage(message, BookingCommandResultEventSchema, 'command answer');
      this.options.onRead?.(this.deliver(value) ? 'matched' : 'not_waiting');
    } catch (error) {
      this.options.onRead?.('unreadable');
      this.options.log.warn(
        { partition: message.partition, offset: message.offset, code: (error as { code?: string }).code },
        'command answer unreadable; skipped',
      );
    }
  }
}
