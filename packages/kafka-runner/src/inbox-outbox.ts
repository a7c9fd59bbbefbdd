import type { Sql } from './sql';

/** An event to publish: a Kafka message, written to the outbox in the same transaction as the change. */
export interface OutboxEvent {
  topic: string;
  /** the aggregate id (the Retell call id): one call's events stay ordered on one partition */
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Claims the event for this consumer: true the first time, false for a redelivery. `ON CONFLICT
 * DO NOTHING` instead of catching a unique violation, which would abort the transaction.
 */
export async function claimInbox(sql: Sql, consumer: string, eventId: string): Promise<boolean> {
  const rows = await sql.query(
    'INSERT INTO processed_messages (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS claimed',
    [consumer, eventId],
  );
  return rows.length === 1;
}

/**
 * Claims several events in one statement; for each id in order, true if this is its first
 * claim. An id repeated within the list is claimed by its first occurrence only.
 */
export async function claimInboxMany(sql: Sql, consumer: string, eventIds: readonly string[]): Promise<boolean[]> {
  const rows = await sql.query<{ event_id: string }>(
    `INSERT INTO processed_messages (consumer, event_id)
     SELECT $1, id FROM unnest($2::text[]) AS ids(id) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, [...new Set(eventIds)]],
  );
  const fresh = new Set(rows.map((r) => r.event_id));
  return eventIds.map((id) => fresh.delete(id));
}

/** Appends events to the outbox in one statement, in the order given. */
export async function appendOutbox(sql: Sql, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `INSERT INTO outbox (topic, key, value, headers)
     SELECT topic, key, value, headers
     FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[]) WITH ORDINALITY AS e(topic, key, value, headers, n)
     ORDER BY n`,
    [
      events.map((e) => e.topic),
      events.map((e) => e.key),
      events.map((e) => e.value),
      events.map((e) => JSON.stringify(e.headers)),
    ],
  );
}
