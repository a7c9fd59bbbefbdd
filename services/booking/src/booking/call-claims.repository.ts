import type { Sql } from '@rb/kafka-runner';

/** Who books for a call: its live commands, or its post-call intent. */
export type ClaimSource = 'live' | 'intent';

/** The call's claim as it stands: which side holds it, and the request that took it first. */
export interface CallClaim {
  source: ClaimSource;
  idempotencyKey: string;
}

/**
 * One booking per call between the live call and its post-call intent: the first to claim the
 * call holds it (`INSERT … ON CONFLICT DO NOTHING`, committed at once, before the Cal.com work that
 * changes something), the other side then never books for it. A post-call intent claims as soon as
 * it is opened; a live command only when it is about to change something (a book right before its
 * create, a reschedule or cancel once the booking proved the caller's), so a refused command leaves
 * the caller's post-call wish alone. Claiming again is harmless: the holder is returned, so a
 * redelivery of the holder's own request (or another live command of the call) goes on.
 */
export async function claimCall(
  sql: Sql,
  callId: string,
  source: ClaimSource,
  idempotencyKey: string,
): Promise<CallClaim> {
  type Row = { source: ClaimSource; idempotency_key: string };
  const [taken] = await sql.query<Row>(
    `INSERT INTO call_claims (call_id, source, idempotency_key) VALUES ($1, $2, $3)
     ON CONFLICT (call_id) DO NOTHING RETURNING source, idempotency_key`,
    [callId, source, idempotencyKey],
  );
  // held already: read in a statement of its own, whose snapshot sees a claim committed meanwhile
  const [row] = taken
    ? [taken]
    : await sql.query<Row>('SELECT source, idempotency_key FROM call_claims WHERE call_id = $1', [callId]);
  if (!row) throw new Error(`call ${callId}: claim neither taken nor found`);
  return { source: row.source, idempotencyKey: row.idempotency_key };
}

/** The call's claim, if any side took it (a read: nothing is claimed). */
export async function findClaim(sql: Sql, callId: string): Promise<CallClaim | undefined> {
  const [row] = await sql.query<{ source: ClaimSource; idempotency_key: string }>(
    'SELECT source, idempotency_key FROM call_claims WHERE call_id = $1',
    [callId],
  );
  return row && { source: row.source, idempotencyKey: row.idempotency_key };
}

/**
 * A live book that claimed the call before its create and then booked nothing (the slot was
 * taken, Cal.com refused it): its claim is given back, in the transaction that settles it, so the
 * call's post-call intent is handled as if the book had never been. Only a claim taken under its
 * own key, and only while no other live book of the call is booked or may be (a create sent): a
 * book marks its create sent before it claims, so one that claimed under this key meanwhile is
 * seen here, and one that comes later takes a claim of its own.
 */
export async function releaseLiveClaim(sql: Sql, callId: string, idempotencyKey: string): Promise<void> {
  await sql.query(
    `DELETE FROM call_claims
     WHERE call_id = $1 AND source = 'live' AND idempotency_key = $2
       AND NOT EXISTS (
         SELECT 1 FROM booking_requests r
         WHERE r.call_id = $1 AND r.source = 'live' AND r.idempotency_key <> $2
           AND (r.status = 'confirmed' OR (r.status = 'pending' AND r.create_sent_at IS NOT NULL)))`,
    [callId, idempotencyKey],
  );
}
