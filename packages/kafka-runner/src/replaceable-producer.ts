import type { Producer } from 'kafkajs';

/**
 * An idempotent producer that is replaced before the next send once a send failed: its sequence
 * numbers may be ahead of what the broker stored (a batch it half-saw, or one it refused), and
 * reusing it fails every later send with "out of order sequence number".
 */
export class ReplaceableProducer {
  private producer: Producer | undefined;
  private broken = false;

  constructor(private readonly create: () => Producer) {}

  async connect(): Promise<void> {
    await this.usable();
  }

  /**
   * The current producer, or a fresh, connected one after a failure. With `timeoutMs`, a connect
   * that takes longer fails (the late producer is disconnected once its connect settles).
   */
  async usable(timeoutMs?: number): Promise<Producer> {
    if (this.producer && !this.broken) return this.producer;
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
    const fresh = this.create();
    const connecting = fresh.connect();
    try {
      await (timeoutMs === undefined ? connecting : within(connecting, timeoutMs, 'producer connect'));
    } catch (error) {
      void connecting.catch(() => undefined).then(() => fresh.disconnect().catch(() => undefined));
      throw error;
    }
    this.producer = fresh;
    this.broken = false;
    return fresh;
  }

  /** call when a send failed: the next `usable()` replaces the producer */
  markBroken(): void {
    this.broken = true;
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

/** `work`, or a rejection once `ms` passed (the work itself goes on; the caller decides what to do with it) */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} not done within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
