import type { Transactions } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import type { CostCallsDeps } from './cost-calls';
import { costCalls } from './cost-calls';
import type { PendingCursor } from './costing-state.repository';
import { pendingCallIds, pendingStats } from './costing-state.repository';

export interface PendingSweeperOptions {
  transactions: Transactions;
  cost: CostCallsDeps;
  intervalMs: number;
  /** calls costed per transaction */
  batchSize?: number;
  /** after each sweep: pending counts by reason and the oldest wait (for the gauges) */
  onStats?: (stats: Awaited<ReturnType<typeof pendingStats>>) => void;
  afterCommit?: () => void;
  onError?: (error: unknown) => void;
}

/**
 * Calls that wait (for a rate, a plan, a Twilio rate, a directory entry) are costed again every
 * `intervalMs`, and at once when something they may wait for arrived (`nudge`: an ECB import, a
 * plan or rate change, a directory change). Each batch in its own transaction, with the outbox.
 */
export class PendingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: PendingSweeperOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** something a pending call may wait for has arrived */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Waits for the sweep in hand; none starts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One full pass over the pending calls; resolves when done (tests and the import command await it). */
  async sweep(): Promise<number> {
    const { transactions, cost, batchSize = 500 } = this.options;
    let costed = 0;
    let cursor: PendingCursor | null = null;
    do {
      const after: PendingCursor | null = cursor;
      cursor = await transactions(async (sql) => {
        const { ids, next } = await pendingCallIds(sql, batchSize, after);
        if (ids.length === 0) return null;
        const outcomes = await costCalls(sql, ids, { kind: 'sweep' }, cost);
        const events = [...outcomes.values()].flatMap((o) => (o.kind === 'revised' ? [o.event] : []));
        costed += events.length;
        await appendOutbox(sql, events);
        return next;
      });
      if (cursor) this.options.afterCommit?.();
    } while (cursor);
    this.options.onStats?.(await transactions((sql) => pendingStats(sql)));
    return costed;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(() => undefined, this.options.onError ?? (() => undefined))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          if (this.again) {
            this.again = false;
            this.schedule(0);
          } else this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }
}
