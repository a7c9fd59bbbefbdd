import type { ConsumedMessage, Sql } from '@rb/kafka-runner';

/** A parked intent: its Kafka message as it came, and whose Cal.com it waits for. */
export interface ParkedIntent {
  id: string;
  companyId: string;
  callId: string;
  idempotencyKey: string;
  /** failed re-drives (not counting Cal.com being unavailable) */
  attempts: number;
  message: ConsumedMessage;
}

/** Whether a call has parked events: its later ones are parked behind them, never overtake. */
export async function hasParked(sql: Sql, callId: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 AS parked FROM parked_intents WHERE call_id = $1 LIMIT 1', [callId]);
  return rows.length > 0;
}

/** Inside the consumer's transaction, beside the inbox claim: the intent waits here, not in its partition. */
export async function parkIntent(
  sql: Sql,
  parked: {
    eventId: string;
    callId: string;
    companyId: string;
    idempotencyKey: string;
    message: ConsumedMessage;
    reason: string;
    retryAfterMs: number;
  },
): Promise<void> {
  const { message } = parked;
  await sql.query(
    `INSERT INTO parked_intents (event_id, call_id, company_id, idempotency_key, topic, kafka_partition, kafka_offset,
       message_key, message_value, headers, produced_at, reason, redrive_after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), $12,
       now() + make_interval(secs => $13 / 1000.0))`,
    [
      parked.eventId,
      parked.callId,
      parked.companyId,
      parked.idempotencyKey,
      message.topic,
      message.partition,
      message.offset,
      message.key,
      message.value ?? Buffer.alloc(0),
      JSON.stringify(message.headers),
      message.timestamp,
      parked.reason,
      parked.retryAfterMs,
    ],
  );
}

/** In the transaction that records the intent's outcome (or finds it settled). */
export async function unpark(sql: Sql, id: string): Promise<void> {
  await sql.query('DELETE FROM parked_intents WHERE id = $1', [id]);
}

/** when a parked event is due: its re-drive time, or later while a replica's claim on it runs */
const DUE_AT = 'greatest(redrive_after, coalesce(claimed_until, redrive_after))';

/**
 * The first parked event of each call that is due, at most `limit`, claimed for `claimSeconds`
 * (no other replica takes it meanwhile; a replica that dies releases it by letting that time
 * pass). A call's later events wait for its first.
 */
export async function claimDueHeads(sql: Sql, limit: number, claimSeconds: number): Promise<ParkedIntent[]> {
  const rows = await sql.query<{
    id: string;
    company_id: string;
    call_id: string;
    idempotency_key: string;
    attempts: number;
    topic: string;
    kafka_partition: number;
    kafka_offset: string;
    message_key: string | null;
    message_value: Buffer;
    headers: Record<string, string>;
    produced_at: Date;
  }>(
    `UPDATE parked_intents p SET claimed_until = now() + make_interval(secs => $2)
     FROM (SELECT id FROM (SELECT DISTINCT ON (call_id) id, ${DUE_AT} AS due_at FROM parked_intents
                           ORDER BY call_id, id) heads
           WHERE due_at <= now() ORDER BY id LIMIT $1) due
     WHERE p.id = due.id AND ${DUE_AT} <= now()
     RETURNING p.id, p.company_id, p.call_id, p.idempotency_key, p.attempts, p.topic, p.kafka_partition,
       p.kafka_offset, p.message_key, p.message_value, p.headers, p.produced_at`,
    [limit, claimSeconds],
  );
  return rows
    .map((r) => ({
      id: String(r.id),
      companyId: r.company_id,
      callId: r.call_id,
      idempotencyKey: r.idempotency_key,
      attempts: r.attempts,
      message: {
        topic: r.topic,
        partition: r.kafka_partition,
        offset: r.kafka_offset,
        key: r.message_key,
        value: r.message_value,
        headers: r.headers,
        timestamp: r.produced_at.getTime(),
      },
    }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Cal.com is still unavailable for them: due again after `afterMs`. */
export async function repark(sql: Sql, ids: readonly string[], afterMs: number, reason: string): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE parked_intents SET redrive_after = now() + make_interval(secs => $2 / 1000.0), reason = $3,
       claimed_until = NULL
     WHERE id = ANY($1::bigint[])`,
    [ids, afterMs, reason],
  );
}

/** A re-drive failed for another reason (a bug, the database): counted, due again after `afterMs`. */
export async function countFailedAttempt(sql: Sql, id: string, afterMs: number, reason: string): Promise<void> {
  await sql.query(
    `UPDATE parked_intents SET attempts = attempts + 1, reason = $3,
       redrive_after = now() + make_interval(secs => $2 / 1000.0), claimed_until = NULL
     WHERE id = $1`,
    [id, afterMs, reason],
  );
}

/** The company's Cal.com answers again: its parked intents are due now (a claimed one stays claimed). */
export async function dueNow(sql: Sql, companyId: string): Promise<void> {
  await sql.query('UPDATE parked_intents SET redrive_after = now() WHERE company_id = $1 AND redrive_after > now()', [
    companyId,
  ]);
}

/**
 * How long until the next call's first parked event is due (ms, 0 if one is); undefined: none
 * parked. (Not `greatest(0, …)` in SQL: greatest ignores a NULL, so none parked would read as 0.)
 */
export async function nextDueInMs(sql: Sql): Promise<number | undefined> {
  const [row] = await sql.query<{ ms: string | null }>(
    `SELECT (extract(epoch FROM min(due_at) - now()) * 1000)::bigint AS ms
     FROM (SELECT DISTINCT ON (call_id) ${DUE_AT} AS due_at FROM parked_intents ORDER BY call_id, id) heads`,
  );
  return row?.ms == null ? undefined : Math.max(0, Number(row.ms));
}

/** For the gauges: how many are parked, and how long the oldest has waited (s). */
export async function parkedStats(sql: Sql): Promise<{ count: number; oldestSeconds: number }> {
  const [row] = await sql.query<{ count: string; oldest: string | null }>(
    `SELECT count(*) AS count, extract(epoch FROM now() - min(parked_at)) AS oldest FROM parked_intents`,
  );
  return { count: Number(row?.count ?? 0), oldestSeconds: Number(row?.oldest ?? 0) };
}

/**
 * A parked intent given up (it failed its re-drives): its row and its inbox claim go, in the
 * transaction that writes its dead letter to the outbox, so a replay of the dead letter is
 * handled like a new message.
 */
export async function dropParked(sql: Sql, parked: ParkedIntent, consumer: string): Promise<void> {
  await sql.query('DELETE FROM parked_intents WHERE id = $1', [parked.id]);
  await sql.query('DELETE FROM processed_messages WHERE consumer = $1 AND event_id = $2', [
    consumer,
    parked.message.headers.ce_id ?? '',
  ]);
}
