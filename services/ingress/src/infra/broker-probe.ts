import type { Admin, Kafka } from 'kafkajs';

export interface BrokerProbeOptions {
  kafka: Kafka;
  /** the topic ingress writes to: its metadata must come back */
  topic: string;
  everyMs: number;
  timeoutMs: number;
}

/**
 * Whether the broker answers, asked on its own (a metadata request for ingress's topic every
 * `everyMs`), for readiness. Readiness must not follow the last produce's outcome: a webhook the
 * broker refuses, or one slow produce, would take a replica out of the load balancer, and with it
 * the only traffic that could ever bring it back.
 */
export class BrokerProbe {
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private answering = false;
  private inFlight: Promise<void> | undefined;
  /** admins given up on, disconnected once their own attempt settles (a late connect would stay open) */
  private readonly discarding = new Set<Promise<void>>();

  constructor(private readonly options: BrokerProbeOptions) {}

  get reachable(): boolean {
    return this.answering;
  }

  /** probes once (without failing when the broker is away), then every `everyMs` */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.everyMs);
    this.timer.unref();
  }

  /** probes now, e.g. after a failed produce; concurrent callers share one probe */
  check(): Promise<void> {
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    this.discard(Promise.resolve());
    await Promise.all(this.discarding);
  }

  private async probe(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const attempt = this.fetchMetadata();
    try {
      await Promise.race([
        attempt,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('broker did not answer in time')), this.options.timeoutMs);
        }),
      ]);
      this.answering = true;
    } catch {
      this.answering = false;
      // a fresh connection next time, not one kafkajs may still be retrying
      this.discard(attempt);
    } finally {
      clearTimeout(timer);
    }
  }

  /** disconnects the current admin once `attempt` (its connect or request) has settled */
  private discard(attempt: Promise<unknown>): void {
    const admin = this.admin;
    this.admin = undefined;
    if (!admin) return;
    const done = attempt
      .catch(() => undefined)
      .then(() => admin.disconnect())
      .catch(() => undefined)
      .finally(() => this.discarding.delete(done));
    this.discarding.add(done);
  }

  private async fetchMetadata(): Promise<void> {
    if (!this.admin) {
      const admin = this.options.kafka.admin({ retry: { retries: 0 } });
      this.admin = admin;
      await admin.connect();
    }
    await this.admin.fetchTopicMetadata({ topics: [this.options.topic] });
  }
}
