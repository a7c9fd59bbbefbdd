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
 * call holds it (`INSERT … ON CONFLICT DO NOTHING`, committed at once, before any Cal.com work), the
 * other side then never books for it. Claiming again is harmless: the holder is returned, so a
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
