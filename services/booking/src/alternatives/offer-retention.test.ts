import type { Sql } from '@rb/kafka-runner';
import { startOfferRetention } from './offer-retention';

/** A database whose prune statements delete these many rows, one number per statement, then none. */
function pruning(...deleted: number[]): { sql: Sql; statements: () => number } {
  let statements = 0;
  const sql: Sql = {
    query: async <Row>() => [{ n: String(deleted[statements++] ?? 0) }] as Row[],
  };
  return { sql, statements: () => statements };
}

describe('the retention of offered alternatives', () => {
  afterEach(() => jest.useRealTimers());

  it('when a round finds more old offers than a batch, then it deletes batch after batch until one comes back short, and reports the total once', async () => {
    const db = pruning(2, 2, 1);
    const pruned: number[] = [];
    const retention = startOfferRetention({
      sql: db.sql,
      retainMs: 1_000,
      batchSize: 2,
      onPruned: (n) => pruned.push(n),
    });
    await retention.pruneNow();
    await retention.stop();
    expect(db.statements()).toBe(3);
    expect(pruned).toEqual([5]);
  });

  it('when the interval passes, then another round runs; after stop, none does', async () => {
    jest.useFakeTimers();
    const db = pruning();
    const retention = startOfferRetention({ sql: db.sql, retainMs: 1_000, everyMs: 60_000 });
    await jest.advanceTimersByTimeAsync(0);
    expect(db.statements()).toBe(1); // the round at start
    await jest.advanceTimersByTimeAsync(60_000);
    expect(db.statements()).toBe(2);
    await retention.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(db.statements()).toBe(2);
  });

  it('when a prune fails, then the failure is reported and the next round runs on time', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const sql: Sql = {
      query: async <Row>() => {
        if (calls++ === 0) throw new Error('database restarting');
        return [{ n: '0' }] as Row[];
      },
    };
    const failures: unknown[] = [];
    const retention = startOfferRetention({ sql, retainMs: 1_000, everyMs: 60_000, onFailed: (e) => failures.push(e) });
    await jest.advanceTimersByTimeAsync(60_000);
    await retention.stop();
    expect(failures).toEqual([new Error('database restarting')]);
    expect(calls).toBe(2);
  });
});
