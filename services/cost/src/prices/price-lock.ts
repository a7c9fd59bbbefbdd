import type { Sql } from '@rb/kafka-runner';

/**
 * A transaction-scoped advisory lock on one key (a plan's seller and buyer, a Twilio rate's
 * direction and number type), held until the transaction ends. Two changes of the same pair run
 * one after the other, so the second one's overlap check sees what the first one stored; changes
 * of different pairs do not wait for each other (a hash collision only makes two wait).
 */
export async function lockPriceKey(sql: Sql, key: string): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
