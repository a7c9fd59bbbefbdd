import type { Sql } from '@rb/kafka-runner';

/**
 * One call's costing at a time. A call's events arrive on three topics whose partitions are
 * handled concurrently: without this, the transaction recording the end and the one recording
 * the booking would each cost the call without seeing the other's uncommitted fact, and the
 * booking would never be costed. Every writer of a call's facts or costing (the consumer, the
 * pending sweep, a re-cost) takes these transaction-scoped locks first, in one global order (by
 * key), so two writers wait for each other instead of deadlocking. A hash collision only makes
 * two calls wait for each other.
 */
export async function lockCalls(sql: Sql, callIds: readonly string[]): Promise<void> {
  if (callIds.length === 0) return;
  await sql.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(id, 7867) AS k FROM unnest($1::text[]) AS id ORDER BY 1) AS keys`,
    [callIds],
  );
}
