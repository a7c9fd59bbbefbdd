import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { positiveInt } from './env-config';
import { rateLimitedWarn } from './rate-limited-log';

/** The part of a kafkajs Admin the lag needs (kafkajs's `Admin` has this shape: pass `kafka.admin()`). */
export interface LagAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
}

/** A consumer group that commits its offsets, and the topics it reads. */
export interface LaggingGroup {
  groupId: string;
  topics: readonly string[];
}

export interface ConsumerLagOptions {
  /**
   * A new admin client (`() => kafka.admin()`), connected for the next round. A round that fails
   * drops its client and the next one takes a new one: kafkajs's admin keeps asking for the
   * metadata of every topic it ever looked at, so one deleted topic would fail it for good.
   */
  admin: () => LagAdmin;
  groups: readonly LaggingGroup[];
  registry: Registry;
  /** between the end of one round and the start of the next (default 15 s) */
  intervalMs?: number;
  log: Logger;
}

/** `KAFKA_LAG_INTERVAL_MS` (default 15 s): how often a service measures its consumer groups' lag. */
export const consumerLagEnvFields = { KAFKA_LAG_INTERVAL_MS: positiveInt(15_000) };

type GroupLag = { topic: string; partition: string; lag: number }[];

/**
 * How many offsets a group is behind on one partition: the high watermark minus the committed
 * offset. A group with no committed offset yet (-1) counts from the low watermark: our groups all
 * start from the beginning, so that is what they still have to read. A committed offset below the
 * low watermark (those messages deleted by retention) also counts from the low watermark, where
 * the consumer resumes. On a compacted topic offsets are an upper bound of the messages left.
 */
export function partitionLag(offsets: { committed: string; high: string; low: string }): number {
  const high = BigInt(offsets.high);
  const low = BigInt(offsets.low);
  const committed = BigInt(offsets.committed);
  const from = committed < low ? low : committed;
  return high > from ? Number(high - from) : 0;
}

/**
 * `kafka_consumer_lag{group,topic,partition}` and `kafka_consumer_lag_errors_total{group}`, measured
 * every `intervalMs` through the admin API (the group's committed offsets and each topic's
 * watermarks), for the groups a service runs that commit their offsets. Measured by every replica
 * alike (the rules take the max over instances). A group whose round failed loses its series until
 * it is measured again, rather than showing a stale lag; the failure is counted and logged (at
 * most one line per group and minute). Groups that never commit (ingress's per-replica readers
 * of the whole directory and of the command answers) have no lag to measure and are not given.
 */
export class ConsumerLag {
  private readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  private readonly errors: Counter<'group'>;
  private readonly warn: ReturnType<typeof rateLimitedWarn>;
  /** the series each group has now, so a failed round removes exactly those */
  private readonly series = new Map<string, { topic: string; partition: string }[]>();
  private admin: { client: LagAdmin; connected: Promise<LagAdmin> } | undefined;
  /** each topic's watermarks, looked up once per round and client, shared by the groups that read it */
  private watermarks = new Map<string, ReturnType<LagAdmin['fetchTopicOffsets']>>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ConsumerLagOptions) {
    const registers = [options.registry];
    this.lag = new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Offsets a consumer group is behind per partition: high watermark minus committed offset (no commit yet: minus the low watermark)',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    });
    this.errors = new Counter({
      name: 'kafka_consumer_lag_errors_total',
      help: 'Rounds in which a consumer group lag could not be measured (broker or coordinator unavailable)',
      labelNames: ['group'] as const,
      registers,
    });
    for (const { groupId } of options.groups) this.errors.inc({ group: groupId }, 0);
    this.warn = rateLimitedWarn(options.log, 60_000);
  }

  /** Measures at once, then every `intervalMs` after each round. */
  start(): this {
    this.schedule(0);
    return this;
  }

  /** One round over every group; failures are counted, never thrown. */
  measure(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= this.measureAll().finally(() => (this.round = undefined));
    return this.round;
  }

  /**
   * Abandons the round in hand, disconnecting its admin, and starts none after. It does not wait
   * for the round: with the broker away, a round waits for kafkajs's timeouts and retries, about
   * 10 s per group, which would outlast a service's shutdown timeout. The abandoned round's
   * requests fail with their connection, and it records nothing.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.dropAdmin();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.measure().then(() => this.schedule(this.intervalMs)), delayMs);
    this.timer.unref();
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? 15_000;
  }

  private async measureAll(): Promise<void> {
    this.watermarks.clear();
    for (const group of this.options.groups) {
      if (this.stopped) return;
      try {
        const lags = await this.groupLag(group, await this.connectedAdmin());
        if (!this.stopped) this.record(group.groupId, lags);
      } catch (error) {
        if (this.stopped) return; // stop() disconnected the admin under the round
        this.failed(group.groupId, error as Error);
        await this.dropAdmin();
      }
    }
  }

  /** The round's admin; kept from before it is connected, so stop() can disconnect it while it connects. */
  private async connectedAdmin(): Promise<LagAdmin> {
    if (this.admin) return this.admin.connected;
    const admin = this.options.admin();
    const connected = admin.connect().then(() => admin);
    this.admin = { client: admin, connected };
    return connected;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.watermarks.clear();
    await admin?.client.disconnect().catch(() => undefined);
  }

  private async groupLag({ groupId, topics }: LaggingGroup, admin: LagAdmin): Promise<GroupLag> {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const lags: GroupLag = [];
    for (const topic of topics) {
      const offsets = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset]),
      );
      for (const { partition, high, low } of await this.topicOffsets(admin, topic))
        lags.push({
          topic,
          partition: String(partition),
          lag: partitionLag({ committed: offsets.get(partition) ?? '-1', high, low }),
        });
    }
    return lags;
  }

  private topicOffsets(admin: LagAdmin, topic: string): ReturnType<LagAdmin['fetchTopicOffsets']> {
    let offsets = this.watermarks.get(topic);
    if (!offsets) {
      offsets = admin.fetchTopicOffsets(topic);
      // a failed look-up fails each group that awaits it; none is left unhandled meanwhile
      offsets.catch(() => undefined);
      this.watermarks.set(topic, offsets);
    }
    return offsets;
  }

  private record(group: string, lags: GroupLag): void {
    this.forget(group);
    for (const { topic, partition, lag } of lags) this.lag.set({ group, topic, partition }, lag);
    this.series.set(group, lags);
  }

  private failed(group: string, error: Error): void {
    this.forget(group);
    this.errors.inc({ group });
    this.warn(group, { group, err: error.message }, 'consumer lag not measured; next round later');
  }

  private forget(group: string): void {
    for (const { topic, partition } of this.series.get(group) ?? []) this.lag.remove({ group, topic, partition });
    this.series.delete(group);
  }
}
