import type { Consumer } from 'kafkajs';

/** One restart of a crashed consumer, reported before its delay starts. */
export interface RestartReport {
  groupId: string;
  topics: string[];
  /** restarts since the consumer last joined its group (1 for the first after a crash) */
  attempt: number;
  delayMs: number;
  error: { name: string; message: string };
}

export interface ConsumerSupervisorOptions {
  groupId: string;
  topics: string[];
  /** a fresh kafkajs consumer whose own restart is off (`retry.restartOnFailure` answers false) */
  create(): Consumer;
  /** connects, subscribes and runs it */
  run(consumer: Consumer): Promise<void>;
  /** between restarts: doubling from `initialMs` up to `maxMs`, with equal jitter */
  backoff: { initialMs: number; maxMs: number };
  onRestart?: (report: RestartReport) => void;
  random?: () => number;
}

/**
 * Keeps a consumer running across broker restarts. kafkajs restarts a crashed consumer only for
 * errors it deems retriable and gives up on others ("Failed to find group coordinator" while the
 * broker is away is one), so its own restart is turned off and every crash comes here: a fresh
 * consumer after a capped backoff, again and again for as long as it takes. Only a configuration
 * error (see `isConfigurationError`) ends it: the crash listeners hear `restarting` false.
 */
export class ConsumerSupervisor {
  private current: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private attempt = 0;
  private stopped = false;
  private fatal: Error | undefined;
  private readonly crashed = new WeakSet<Consumer>();
  private readonly listeners: ((error: Error, restarting: boolean) => void)[] = [];

  constructor(private readonly options: ConsumerSupervisorOptions) {}

  get consumer(): Consumer | undefined {
    return this.current;
  }

  /** The first consumer. Throws when it cannot start or crashes for good while starting. */
  async start(): Promise<Consumer> {
    const consumer = this.watch(this.options.create());
    try {
      await this.options.run(consumer);
    } catch (error) {
      this.crashed.add(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.fatal) throw this.fatal;
    return consumer;
  }

  /** Hears every crash; `restarting` false: a configuration error, nothing more will run. */
  onCrash(listener: (error: Error, restarting: boolean) => void): void {
    this.listeners.push(listener);
    if (this.fatal) listener(this.fatal, false);
  }

  /** No restart after this; waits for one in progress. The caller disconnects `consumer`. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.restarting;
  }

  private watch(consumer: Consumer): Consumer {
    this.current = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrashed(consumer, payload.error));
    // running again: the next crash starts from the shortest delay
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer === this.current) this.attempt = 0;
    });
    return consumer;
  }

  private onCrashed(consumer: Consumer, error: Error): void {
    if (this.stopped || consumer !== this.current || this.crashed.has(consumer)) return;
    this.crashed.add(consumer);
    const restarting = !isConfigurationError(error);
    if (!restarting) this.fatal = error;
    for (const listener of this.listeners) listener(error, restarting);
    if (restarting) this.schedule(error);
  }

  private schedule(error: Error): void {
    const { initialMs, maxMs } = this.options.backoff;
    this.attempt++;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt - 1, 30));
    const delayMs = Math.round(ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2));
    const { groupId, topics } = this.options;
    this.options.onRestart?.({
      groupId,
      topics,
      attempt: this.attempt,
      delayMs,
      error: { name: error.name, message: error.message },
    });
    this.timer = setTimeout(() => {
      this.restarting = this.restart();
    }, delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    // kafkajs disconnected it before reporting the crash; this only makes sure
    await this.current?.disconnect().catch(() => undefined);
    const consumer = this.watch(this.options.create());
    try {
      await this.options.run(consumer);
    } catch (error) {
      // connect or subscribe failed (the broker is still away): the same as a crash
      await consumer.disconnect().catch(() => undefined);
      this.onCrashed(consumer, error as Error);
    }
    if (this.stopped) await consumer.disconnect().catch(() => undefined);
  }
}

/** Broker answers that no retry can change: the service is configured wrongly. */
const CONFIGURATION_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'INVALID_GROUP_ID',
  'INVALID_SESSION_TIMEOUT',
  'INCONSISTENT_GROUP_PROTOCOL',
]);
const CONFIGURATION_NAMES = new Set(['KafkaJSSASLAuthenticationError']);

/**
 * A crash that a restart cannot fix: an authorization or authentication failure, or an option
 * the broker refuses (a session timeout outside its bounds, an invalid group id). Anything else
 * (the broker away, no coordinator, timeouts, a topic missing for a while) is retried.
 */
export function isConfigurationError(error: unknown): boolean {
  let current = error as { type?: unknown; name?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 10; depth++) {
    if (CONFIGURATION_TYPES.has(current.type as string) || CONFIGURATION_NAMES.has(current.name as string)) return true;
    current = current.cause as typeof current;
  }
  return false;
}
