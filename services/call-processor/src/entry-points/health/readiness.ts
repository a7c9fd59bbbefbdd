import type { DataSource } from 'typeorm';

/** The cheapest round trip through the service's pool. */
export const selectOne = (dataSource: DataSource) => (): Promise<unknown> => dataSource.query('SELECT 1');

export interface ReadinessOptions {
  /** one cheap round trip to the database (`SELECT 1`); rejects when it cannot be made */
  pingDatabase: () => Promise<unknown>;
  /** whether the consumer is in its group and consuming (false while it restarts after a crash) */
  consumerRunning: () => boolean;
  /** how long a database answer is used: the ping runs at most once per this */
  cacheMs?: number;
  /** a ping that takes longer than this counts as a failure */
  timeoutMs?: number;
}

/**
 * What call-processor's `/readyz` reports: the database as a cheap ping last answered (run every
 * `cacheMs` in the background, so the endpoint never waits on the database, and failing after
 * `timeoutMs`) and the consumer as it is right now. An answer older
 * than twice `cacheMs` (the pings stopped coming) counts as not ready.
 */
export class Readiness {
  private databaseUp = false;
  private answeredAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  /** Pings once (awaited), then every `cacheMs`. */
  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.cacheMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** What is not ready, by name: `database`, `consumer`; empty when ready. */
  notReady(): string[] {
    const fresh = Date.now() - this.answeredAt <= 2 * this.cacheMs;
    return [...(this.databaseUp && fresh ? [] : ['database']), ...(this.options.consumerRunning() ? [] : ['consumer'])];
  }

  /** Pings the database now (or joins the ping in flight) and records the answer. */
  probe(): Promise<void> {
    this.probing ??= this.ping().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private get cacheMs(): number {
    return this.options.cacheMs ?? 3_000;
  }

  private async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database ping timed out')), this.options.timeoutMs ?? 1_000);
    });
    try {
      await Promise.race([this.options.pingDatabase(), timeout]);
      this.databaseUp = true;
    } catch {
      this.databaseUp = false;
    } finally {
      clearTimeout(timer);
      this.answeredAt = Date.now();
    }
  }
}
