import type { MessageHandler, Sql, Transactions } from '@rb/kafka-runner';
import { appendOutbox, asRunnerError, DependencyUnavailableError } from '@rb/kafka-runner';
import type { Intent, Prepared } from './booking-intents';
import { deadLetterEvent } from './parked-dead-letter';
import type { ParkedIntent } from './parked-intents.repository';
import {
  claimDueHeads,
  countFailedAttempt,
  dropParked,
  dueNow,
  nextDueInMs,
  repark,
} from './parked-intents.repository';
import { parkingFor } from './runner-errors';

export type RedriveOutcome =
  /** its outcome was recorded and emitted */
  | 'settled'
  /** it had been settled meanwhile (the same intent under another event id): dropped */
  | 'already_settled'
  /** its Cal.com is still unavailable: parked again */
  | 'still_unavailable'
  /** it failed otherwise (a bug, the database): tried again later */
  | 'retried'
  /** it failed `maxAttempts` times: dead-lettered (after undoing a booking it made) */
  | 'dead_lettered';

export interface RedriveOptions {
  /** booking-intents' handler: the re-drive takes the same path as a consumed intent */
  handler: MessageHandler<Intent, Prepared>;
  db: Sql;
  transactions: Transactions;
  /** the intents consumer's group: its inbox claim goes with a dead-lettered intent */
  consumer: string;
  /** how often parked intents are looked for without a signal */
  intervalMs: number;
  /** how long a replica's claim on a parked intent lasts (the intent lease's length) */
  claimSeconds: number;
  maxAttempts: number;
  backoff?: { initialMs: number; maxMs: number };
  /** calls whose first parked intent is taken per round */
  batch?: number;
  afterCommit?: () => void;
  onRedrive?: (report: { outcome: RedriveOutcome; code?: string }) => void;
  onError?: (error: unknown) => void;
}

type Result = { kind: 'done' } | { kind: 'unavailable'; retryAfterMs: number; reason: string; calcom: boolean };

/**
 * Brings parked intents back through booking-intents' handler (`prepare` with the lease,
 * look-up-before-create and the give-up rule; `apply` records the outcome, writes the outbox and
 * deletes the parked row in one transaction). Due ones are taken on a timer, at the time their
 * Cal.com's breaker half-opens (the due time parking chose), at once when that account's breaker
 * closes, and after a restart. Only each call's first parked event is taken, so a call's events
 * keep their order; a company's intents are re-driven one after another, and the first that finds
 * its Cal.com still unavailable parks the rest of that company's round again.
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

  /** Re-drives what is due now (after the current round, if one runs). */
  kick(): void {
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
  }

  /** A round no later than `ms` from now (an intent was parked with that due time). */
  wakeIn(ms: number): void {
    if (this.stopped || Date.now() + ms >= this.timerAt) return;
    this.setTimer(Math.max(ms, 20));
  }

  /** The account's breaker closed (its Cal.com answers again): its parked intents are due now. */
  async accountRecovered(companyId: string): Promise<void> {
    try {
      await dueNow(this.options.db, companyId);
      this.kick();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

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
      const result = await this.redrive(intent);
      if (result.kind === 'done') continue;
      // still down: this one and (if it is the account's Cal.com) the company's others wait again
      const ids = result.calcom ? parked.slice(i).map((p) => p.id) : [intent.id];
      await repark(this.options.db, ids, result.retryAfterMs, result.reason);
      for (const _ of ids) this.options.onRedrive?.({ outcome: 'still_unavailable', code: result.reason });
      if (result.calcom) return;
    }
  }

  private async redrive(parked: ParkedIntent): Promise<Result> {
    const { handler, transactions } = this.options;
    let event: Intent;
    try {
      event = handler.decode(parked.message).event;
    } catch (error) {
      return this.failed(parked, error, undefined, true);
    }
    // only intents are parked
    if (event.kind !== 'intent') return this.failed(parked, new Error('not a booking intent'), undefined, true);
    event = { ...event, parked: { id: parked.id } };
    let prepared: Prepared;
    try {
      prepared = await handler.prepare!(event, parked.message);
    } catch (error) {
      if (error instanceof DependencyUnavailableError) {
        const calcom = parkingFor(error);
        return {
          kind: 'unavailable',
          retryAfterMs: error.retryAfterMs,
          reason: calcom?.reason ?? error.code,
          calcom: !!calcom,
        };
      }
      return this.failed(parked, error, undefined, false);
    }
    try {
      await transactions(async (sql) =>
        appendOutbox(sql, await handler.apply(event, { sql, prepared, message: parked.message })),
      );
    } catch (error) {
      return this.failed(parked, error, { event, prepared }, false);
    }
    this.options.afterCommit?.();
    this.options.onRedrive?.({ outcome: prepared.kind === 'outcome' ? 'settled' : 'already_settled' });
    return { kind: 'done' };
  }

  /**
   * A failure that is not its Cal.com being unavailable: tried again with backoff; after
   * `maxAttempts` (or at once for poison) a booking it made is undone (the handler's
   * compensation) and the intent goes to the intents topic's DLQ, as the consumer does.
   */
  private async failed(
    parked: ParkedIntent,
    caught: unknown,
    done: { event: Intent; prepared: Prepared } | undefined,
    poison: boolean,
  ): Promise<Result> {
    const error = asRunnerError(caught);
    // the database (or another dependency) is away: wait and come back, as the consumer pauses;
    // it is not the intent's fault, so no attempt is spent and nothing is undone or dead-lettered
    if (!poison && error instanceof DependencyUnavailableError)
      return { kind: 'unavailable', retryAfterMs: error.retryAfterMs, reason: error.code, calcom: false };
    const attempts = parked.attempts + 1;
    if (!poison && error.disposition !== 'poison' && attempts < this.options.maxAttempts) {
      const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 5_000 };
      const ceiling = Math.min(maxMs, initialMs * 2 ** (attempts - 1));
      await countFailedAttempt(this.options.db, parked.id, ceiling / 2 + Math.random() * (ceiling / 2), error.code);
      this.options.onRedrive?.({ outcome: 'retried', code: error.code });
      return { kind: 'done' };
    }
    if (done) {
      try {
        await this.options.handler.compensate?.(done.event, done.prepared, error);
      } catch (failure) {
        // reported with the dead letter, as the consumer does
        this.options.onError?.(failure);
      }
    }
    await this.options.transactions(async (sql) => {
      await dropParked(sql, parked, this.options.consumer);
      await appendOutbox(sql, [await deadLetterEvent(parked, error, attempts, this.options.consumer)]);
    });
    this.options.afterCommit?.();
    this.options.onRedrive?.({ outcome: 'dead_lettered', code: error.code });
    return { kind: 'done' };
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
