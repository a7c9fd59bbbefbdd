import { detached, inConsumerSpan } from '@rb/kafka-runner';
import type { ParkedIntent } from './parked-intents.repository';
import { claimDueHeads, dueNow, nextDueInMs, repark } from './parked-intents.repository';
import type { IntentRedrive, IntentRedriveOptions } from './redrive-intent';
import { redriveIntent } from './redrive-intent';

export type { RedriveOutcome } from './redrive-intent';

export interface RedriveOptions extends IntentRedriveOptions {
  /** how often parked intents are looked for without a signal */
  intervalMs: number;
  /** how long a replica's claim on a parked intent lasts (the intent lease's length) */
  claimSeconds: number;
  /** calls whose first parked intent is taken per round */
  batch?: number;
}

/**
 * Brings parked intents back through booking-intents' handler, one by one (redrive-intent.ts).
 * Due ones are taken on a timer, at the time their Cal.com's breaker half-opens (the due time
 * parking chose), at once when that account's breaker closes, and after a restart. Only each
 * call's first parked event is taken, so a call's events keep their order; a company's intents are
 * re-driven one after another, and the first that finds its Cal.com still unavailable parks the
 * rest of that company's round again.
 *
 * The rounds run outside any message or request, whoever wakes them (a timer armed while an
 * intent was being parked, a breaker closing during another message or a live question): each
 * parked event is re-driven in a CONSUMER span of its own, a child of the span that sent it, with
 * its own ids on the log lines, so its outcome continues its own trace.
 */
export class ParkedRedriver {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: RedriveOptions) {}

  start(): void {
    this.kick();
  }

  /** Re-drives what is due now (after the current round, if one runs); bound once, outside any message. */
  readonly kick: () => void = detached(() => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.rounds().finally(() => {
      this.running = undefined;
      void this.scheduleNext();
    });
  });

  /** A round no later than `ms` from now (an intent was parked with that due time). */
  wakeIn(ms: number): void {
    if (this.stopped || Date.now() + ms >= this.timerAt) return;
    this.setTimer(Math.max(ms, 20));
  }

  /** The account's breaker closed (its Cal.com answers again): its parked intents are due now. */
  readonly accountRecovered: (companyId: string) => Promise<void> = detached(async (companyId: string) => {
    try {
      await dueNow(this.options.db, companyId);
      this.kick();
    } catch (error) {
      this.options.onError?.(error);
    }
  });

  /** Stops taking parked intents; the round in hand finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.round();
      } catch (error) {
        this.options.onError?.(error);
      }
    } while (this.again && !this.stopped);
  }

  private async round(): Promise<void> {
    const { db, batch = 50, claimSeconds } = this.options;
    while (!this.stopped) {
      const heads = await claimDueHeads(db, batch, claimSeconds);
      if (heads.length === 0) return;
      const byCompany = new Map<string, ParkedIntent[]>();
      for (const head of heads) byCompany.set(head.companyId, [...(byCompany.get(head.companyId) ?? []), head]);
      await Promise.all([...byCompany.values()].map((parked) => this.redriveCompany(parked)));
    }
  }

  private async redriveCompany(parked: ParkedIntent[]): Promise<void> {
    for (const [i, intent] of parked.entries()) {
      const result = await this.redriveInSpan(intent);
      if (result.kind === 'done') continue;
      // still down: this one and (if it is the account's Cal.com) the company's others wait again
      const ids = result.calcom ? parked.slice(i).map((p) => p.id) : [intent.id];
      await repark(this.options.db, ids, result.retryAfterMs, result.reason);
      for (const _ of ids) this.options.onRedrive?.({ outcome: 'still_unavailable', code: result.reason });
      if (result.calcom) return;
    }
  }

  /** One parked event in its own CONSUMER span (its consumer's group), which tells how it ended. */
  private redriveInSpan(parked: ParkedIntent): Promise<IntentRedrive> {
    const { consumer, onRedrive } = this.options;
    const group = typeof consumer === 'string' ? consumer : consumer(parked.message.topic);
    return inConsumerSpan(parked.message, group, async (tell) => {
      const result = await redriveIntent(parked, {
        ...this.options,
        onRedrive: (report) => {
          tell({ outcome: report.outcome, code: report.code, failed: report.outcome === 'dead_lettered' });
          onRedrive?.(report);
        },
      });
      if (result.kind === 'unavailable') tell({ outcome: 'still_unavailable', code: result.reason });
      return result;
    });
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopped) return;
    let next: number | undefined;
    try {
      next = await nextDueInMs(this.options.db);
    } catch (error) {
      this.options.onError?.(error);
    }
    this.setTimer(Math.min(this.options.intervalMs, next ?? Infinity));
  }

  private setTimer(ms: number): void {
    if (this.stopped) return;
    this.clearTimer();
    this.timerAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
