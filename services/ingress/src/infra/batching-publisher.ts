import type { Kafka } from 'kafkajs';
import type { Logger } from '@rb/observability';
import { IngressError } from '../ingress-error';
import { rateLimitedWarn } from '@rb/observability';
import {
  compressionFor,
  isTooLargeError,
  messageBytes,
  PRODUCE_REQUEST_MAX_BYTES,
  ReplaceableProducer,
} from '@rb/kafka-runner/produce';
import type { EventPublisher, OutgoingMessage } from '../webhooks/ports';
import type { IngressMetrics } from '../ingress-metrics';

interface Pending {
  message: OutgoingMessage;
  /** handed to the producer: from then on only the broker's answer settles it */
  sent: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  settled: boolean;
  timer: NodeJS.Timeout;
}

/** The webhook was not stored; every one of these is worth Retell's retry (to this or another replica). */
export class PublishError extends IngressError<
  'PRODUCE_TIMEOUT' | 'PRODUCE_FAILED' | 'BACKPRESSURE' | 'SHUTTING_DOWN'
> {
  constructor(code: PublishError['code'], message: string, options?: { cause?: unknown }) {
    super(code, message, { retryable: true, cause: options?.cause });
  }
}

export interface BatchingPublisherOptions {
  kafka: Kafka;
  topic: string;
  /** how long a message may wait in the queue before it is given up (never sent, so safe to retry) */
  timeoutMs: number;
  maxPending: number;
  maxBatch?: number;
  /** bytes per produce request; a single larger message goes alone (the topic takes up to TOPIC_MAX_MESSAGE_BYTES) */
  maxBatchBytes?: number;
  /** requests this large are gzip-compressed */
  compressFromBytes?: number;
  /** told when a produce failed, so readiness can ask the broker itself instead of trusting one failure */
  onProduceFailed?: () => void;
  metrics: IngressMetrics;
  log: Logger;
}

/**
 * Produces with acks=all through an idempotent producer, which kafkajs allows one request in
 * flight. Concurrent webhooks are therefore gathered into one produce request while the previous
 * one is on the wire (no added delay), and each caller's promise settles with its own message's
 * acknowledgement or definite failure: a message still queued at its deadline is given up (it was
 * never sent), one already sent waits for the broker's answer, since giving up on it could not
 * stop it being stored. A producer whose send failed is replaced before the next send, so a batch the
 * broker may have half-seen never shares sequence numbers with the next one. A request is bounded
 * in bytes as well as in messages, so a long call's megabytes never ride with others past the
 * topic's limit; large requests are compressed.
 */
export class BatchingPublisher implements EventPublisher {
  private readonly queue: Pending[] = [];
  private readonly producer = new ReplaceableProducer(() =>
    this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    }),
  );
  private sending = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  /** a broker outage fails every batch: logged once per 10 s with how many were left out */
  private readonly warn: ReturnType<typeof rateLimitedWarn>;

  constructor(private readonly options: BatchingPublisherOptions) {
    this.warn = rateLimitedWarn(options.log);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  publish(message: OutgoingMessage): Promise<void> {
    if (this.closed) return Promise.reject(new PublishError('SHUTTING_DOWN', 'ingress is shutting down'));
    if (this.queue.length >= this.options.maxPending) {
      return Promise.reject(new PublishError('BACKPRESSURE', `more than ${this.options.maxPending} webhooks pending`));
    }
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        message,
        sent: false,
        resolve,
        reject,
        settled: false,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      pending.timer = setTimeout(() => {
        if (pending.sent) return;
        settle(pending, new PublishError('PRODUCE_TIMEOUT', `not sent within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.queue.push(pending);
      if (!this.sending) void this.drain();
    });
  }

  /** Waits until everything handed over has been sent or failed, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    await this.producer.disconnect();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.nextBatch();
        if (batch.length > 0) await this.sendBatch(batch);
      }
    } finally {
      this.sending = false;
      this.markIdle();
    }
  }

  /** the next messages still waiting, in order, up to the request's message and byte bounds */
  private nextBatch(): Pending[] {
    const maxCount = this.options.maxBatch ?? 500;
    const maxBytes = this.options.maxBatchBytes ?? PRODUCE_REQUEST_MAX_BYTES;
    const batch: Pending[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && batch.length < maxCount) {
      const next = this.queue[0]!;
      if (next.settled) {
        this.queue.shift();
        continue;
      }
      const size = messageBytes(next.message);
      if (batch.length > 0 && bytes + size > maxBytes) break;
      this.queue.shift();
      batch.push(next);
      bytes += size;
    }
    return batch;
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    const { metrics } = this.options;
    const started = process.hrtime.bigint();
    for (const pending of batch) pending.sent = true;
    const bytes = batch.reduce((n, p) => n + messageBytes(p.message), 0);
    try {
      // a reconnect that hangs must not hold the webhooks past their deadline
      const producer = await this.producer.usable(this.options.timeoutMs);
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        compression: compressionFor(bytes, this.options.compressFromBytes),
        messages: batch.map((p) => p.message),
      });
      metrics.produceBatchSize.observe(batch.length);
      metrics.produceDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      for (const pending of batch) settle(pending);
    } catch (error) {
      this.producer.markBroken();
      const tooLarge = isTooLargeError(error);
      metrics.dependencyErrors.inc({ dependency: 'kafka', operation: tooLarge ? 'produce_too_large' : 'produce' });
      this.warn(
        tooLarge ? 'too_large' : 'failed',
        { err: (error as Error).message, batch: batch.length, bytes },
        'produce failed',
      );
      const failure = new PublishError('PRODUCE_FAILED', 'broker did not acknowledge', { cause: error });
      for (const pending of batch) settle(pending, failure);
      this.options.onProduceFailed?.();
    }
  }
}

function settle(pending: Pending, error?: Error): void {
  if (pending.settled) return;
  pending.settled = true;
  clearTimeout(pending.timer);
  if (error) pending.reject(error);
  else pending.resolve();
}
