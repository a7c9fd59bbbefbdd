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

  /** the current producer, or a fresh, connected one after a failure */
  async usable(): Promise<Producer> {
    if (this.producer && !this.broken) return this.producer;
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
    const fresh = this.create();
    await fresh.connect();
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
