import type { Transactions } from '@rb/kafka-runner';
import { appendOutbox, detached } from '@rb/kafka-runner';
import type { CostCallsDeps } from './cost-calls';
import { costCalls } from './cost-calls';
import type { PendingCursor, PendingPage } from './costing-state.repository';
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
 * Sweeps run outside any message or request, whoever nudged them (a directory message's commit,
 * the calls consumer's chunk, an admin request): their log lines and events name none of those.
 */
export class PendingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private soon: NodeJS.Timeout | undefined;

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

  /** a nudge shortly, after the transaction in hand has committed (once, however often asked meanwhile) */
  nudgeSoon(delayMs = 500): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.nudge();
    }, delayMs);
    this.soon.unref?.();
  }

  /** Waits for the sweep in hand; none starts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.soon);
    await this.running;
  }

  /**
   * One pass over the calls pending when it starts (calls that start waiting during the pass are
   * the next pass's), a batch per transaction; resolves with the number of calls costed. A batch
   * that fails is costed call by call, so one call that cannot be costed (reported through
   * `onError`) never holds back the others.
   */
  async sweep(): Promise<number> {
    const { transactions, cost, batchSize = 500 } = this.options;
    const until = cost.clock();
    let costed = 0;
    let cursor: PendingCursor | null = null;
    do {
      const after: PendingCursor | null = cursor;
      const page: PendingPage = await transactions((sql) => pendingCallIds(sql, batchSize, after, until));
      if (page.ids.length === 0) break;
      costed += await this.costBatch(page.ids).catch(async (error: unknown) => {
        this.options.onError?.(error);
        let one = 0;
        for (const id of page.ids)
          one += await this.costBatch([id]).catch((e: unknown) => (this.options.onError?.(e), 0));
        return one;
      });
      cursor = page.next;
    } while (cursor);
    this.options.onStats?.(await transactions((sql) => pendingStats(sql)));
    return costed;
  }

  private async costBatch(ids: readonly string[]): Promise<number> {
    const events = await this.options.transactions(async (sql) => {
      const outcomes = await costCalls(sql, ids, { kind: 'sweep' }, this.options.cost);
      const revised = [...outcomes.values()].flatMap((o) => (o.kind === 'revised' ? [o.event] : []));
      await appendOutbox(sql, revised);
      return revised;
    });
    if (events.length > 0) this.options.afterCommit?.();
    return events.length;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.due, delayMs);
    this.timer.unref?.();
  }

  /** a sweep, then the next one scheduled; bound once, so it runs outside whatever armed its timer */
  private readonly due = detached(() => {
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
  });
}
