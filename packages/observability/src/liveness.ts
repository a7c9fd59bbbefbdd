export interface LivenessOptions {
  /** the event loop counts as blocked when a tick comes this much later than due */
  maxEventLoopDelayMs?: number;
  /** how often the heartbeat ticks */
  tickEveryMs?: number;
  /** for tests */
  now?: () => number;
}

/**
 * What `/livez` reports: false once something that a restart would cure has happened — a part
 * failed for good (`fail`, e.g. a consumer stopped by a configuration error) or the event loop was
 * blocked longer than allowed (a heartbeat timer that fired far too late). Never the database or
 * the broker: their outages are readiness, and restarting the process would not bring them back.
 *
 * Wiring, in a service's `start<Service>` (one liveness per process):
 * ```ts
 * const liveness = new Liveness().start();
 * // a ConsumerRunner restarts its consumer after every crash but a configuration error; after
 * // that one (`restarting` false, also heard by a listener added later) nothing is consumed
 * runner.onCrash((_error, restarting) => {
 *   if (!restarting) liveness.fail('consumer_stopped');
 * });
 * await startOpsServer({ ..., health: { isLive: liveness.isLive, notReady } });
 * // in stop(): liveness.stop()
 * ```
 * `isLive` is bound, so it can be handed over as it is. A service that would rather exit at once
 * calls runService's `context.onFatal(reason)` in the same listener.
 */
export class Liveness {
  private readonly failures = new Set<string>();
  private readonly maxDelayMs: number;
  private readonly tickEveryMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** when the next tick is due; none before the first `start()` or `tick()` */
  private due: number | undefined;
  private blockedMs = 0;

  constructor(options: LivenessOptions = {}) {
    this.maxDelayMs = options.maxEventLoopDelayMs ?? 10_000;
    this.tickEveryMs = options.tickEveryMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  start(): this {
    this.due = this.now() + this.tickEveryMs;
    this.timer = setInterval(() => this.tick(), this.tickEveryMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Something the process cannot recover from by itself; it stays not live. */
  fail(reason: string): void {
    this.failures.add(reason);
  }

  /** The heartbeat, public so a test can drive it: how late this tick is against when it was due. */
  tick(): void {
    const now = this.now();
    this.blockedMs = this.due === undefined ? 0 : Math.max(0, now - this.due);
    this.due = now + this.tickEveryMs;
  }

  /** What makes the process not live, empty when it is. */
  problems(): string[] {
    const blocked = this.blockedMs > this.maxDelayMs ? ['event_loop_blocked'] : [];
    return [...this.failures, ...blocked];
  }

  isLive = (): boolean => this.problems().length === 0;
}
