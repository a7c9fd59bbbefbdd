import type { Sql } from '@rb/kafka-runner';
import { pruneOfferedAlternatives } from './offered-alternatives.repository';

export interface OfferRetentionOptions {
  /** single statements, each committing on its own */
  sql: Sql;
  /** how long a call's offers are kept (booking: as long as the inbox remembers its events) */
  retainMs: number;
  /** rows per DELETE: each statement holds its row locks only briefly */
  batchSize?: number;
  /** how often old rows are looked for */
  everyMs?: number;
  /** a round deleted rows (not called for a round that found none) */
  onPruned?: (rows: number) => void;
  onFailed?: (error: unknown) => void;
}

export interface OfferRetention {
  /** one round: batches until a short one; resolves with the rows deleted */
  pruneNow(): Promise<number>;
  /** stops the timer; a round in progress finishes its current batch */
  stop(): Promise<void>;
}

/**
 * Keeps `offered_alternatives` bounded: at once and then every `everyMs`, the offers older than
 * `retainMs` are deleted in batches until a batch comes back short. Safe on every replica at once.
 */
export function startOfferRetention(options: OfferRetentionOptions): OfferRetention {
  const { sql, retainMs, batchSize = 1_000 } = options;
  let round: Promise<number> | undefined;
  let stopped = false;

  const prune = async (): Promise<number> => {
    let total = 0;
    try {
      for (;;) {
        const n = await pruneOfferedAlternatives(sql, retainMs, batchSize);
        total += n;
        if (n < batchSize || stopped) break;
      }
    } catch (error) {
      options.onFailed?.(error);
      throw error;
    }
    if (total > 0) options.onPruned?.(total);
    return total;
  };
  const pruneNow = () => (round ??= prune().finally(() => (round = undefined)));
  const run = () => void pruneNow().catch(() => undefined);
  const timer = setInterval(run, options.everyMs ?? 10 * 60_000);
  timer.unref();
  run();

  return {
    pruneNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await round?.catch(() => undefined);
    },
  };
}
