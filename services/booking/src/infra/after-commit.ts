import type { Sql, Transactions } from '@rb/kafka-runner';

/** the hooks of each transaction still open, by the `Sql` its work was given */
const pending = new WeakMap<Sql, (() => void)[]>();

/**
 * Transactions whose work may ask for something to run once it has committed (`afterCommit`):
 * what a metric says about a change is only true once the change holds. A transaction that
 * rolls back runs none of its hooks; a hook that throws never fails the committed work.
 */
export function withAfterCommit(transactions: Transactions): Transactions {
  return async (work) => {
    const hooks: (() => void)[] = [];
    const result = await transactions((sql) => {
      const tracked: Sql = { query: <Row>(text: string, parameters?: unknown[]) => sql.query<Row>(text, parameters) };
      pending.set(tracked, hooks);
      return work(tracked);
    });
    for (const hook of hooks) {
      try {
        hook();
      } catch {
        // observability never undoes what committed
      }
    }
    return result;
  };
}

/**
 * Runs `hook` once the transaction `sql` belongs to has committed. In a transaction not opened
 * through `withAfterCommit` (or outside any), the hook never runs.
 */
export function afterCommit(sql: Sql, hook: () => void): void {
  pending.get(sql)?.push(hook);
}
