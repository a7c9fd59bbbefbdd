import type { Sql } from '@rb/kafka-runner';
import type { PendingReason } from '../costing/cost-inputs';

/**
 * Where each call's costing stands: pending (what it waits for, since when) or costed (at which
 * revision, with what). `pins` keeps the plans, Twilio rate and reseller a costing used, so a late
 * fact (a booking, Retell's later figure) is costed under the same prices; only an explicit
 * re-cost takes today's. This table is state, not the ledger: it is updated in place.
 */
export interface CostingPins {
  wholesalePlanId: string | null;
  retailPlanId: string | null;
  twilioRateId: string | null;
  resellerId: string | null;
  /** the currencies the plans were checked against (absent on costings from before the field) */
  billingCurrency?: string;
  resellerCurrency?: string | null;
  /** the ECB publication date the costing used (absent on costings from before the field) */
  rateDate?: string | null;
}

export type CostingState =
  | { kind: 'pending'; revision: number; reason: PendingReason; waitingFor: string; pendingSince: Date }
  | { kind: 'costed'; revision: number; pins: CostingPins };

interface StateRow {
  call_id: string;
  status: 'pending' | 'costed';
  pending_reason: PendingReason | null;
  waiting_for: string | null;
  pending_since: Date | null;
  revision: number;
  pins: CostingPins | null;
}

export async function loadCostingStates(sql: Sql, callIds: readonly string[]): Promise<Map<string, CostingState>> {
  const rows = await sql.query<StateRow>('SELECT * FROM call_costings WHERE call_id = ANY($1::text[])', [callIds]);
  return new Map(rows.map((r) => [r.call_id, toState(r)]));
}

function toState(r: StateRow): CostingState {
  if (r.status === 'costed' && r.pins) return { kind: 'costed', revision: r.revision, pins: r.pins };
  return {
    kind: 'pending',
    revision: r.revision,
    reason: r.pending_reason ?? 'rate',
    waitingFor: r.waiting_for ?? '',
    pendingSince: r.pending_since ?? new Date(0),
  };
}

/** Writes the calls' states in one statement. */
export async function saveCostingStates(sql: Sql, states: ReadonlyMap<string, CostingState>, now: Date): Promise<void> {
  if (states.size === 0) return;
  const ids: string[] = [];
  const columns = { status: [] as string[], reason: [] as (string | null)[], waiting: [] as (string | null)[] };
  const since: (Date | null)[] = [];
  const revisions: number[] = [];
  const pins: (string | null)[] = [];
  for (const [callId, s] of states) {
    ids.push(callId);
    columns.status.push(s.kind);
    columns.reason.push(s.kind === 'pending' ? s.reason : null);
    columns.waiting.push(s.kind === 'pending' ? s.waitingFor : null);
    since.push(s.kind === 'pending' ? s.pendingSince : null);
    revisions.push(s.revision);
    pins.push(s.kind === 'costed' ? JSON.stringify(s.pins) : null);
  }
  await sql.query(
    `INSERT INTO call_costings (call_id, status, pending_reason, waiting_for, pending_since, revision, pins, updated_at)
     SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::jsonb[])
     ON CONFLICT (call_id) DO UPDATE SET status = excluded.status, pending_reason = excluded.pending_reason,
       waiting_for = excluded.waiting_for, pending_since = excluded.pending_since, revision = excluded.revision,
       pins = excluded.pins, updated_at = excluded.updated_at`,
    [ids, columns.status, columns.reason, columns.waiting, since, revisions, pins, now],
  );
}

/** Where a pass over the pending calls has got to: calls are taken oldest first, by (since, id). */
export interface PendingCursor {
  since: Date;
  callId: string;
}

export interface PendingPage {
  ids: string[];
  /** where the next page starts; null after the last */
  next: PendingCursor | null;
}

/** The next calls pending since `until` or earlier, after the cursor, oldest first (the sweeper costs them again). */
export async function pendingCallIds(
  sql: Sql,
  limit: number,
  after: PendingCursor | null,
  until: Date,
): Promise<PendingPage> {
  const rows = await sql.query<{ call_id: string; pending_since: Date }>(
    `SELECT call_id, pending_since FROM call_costings
      WHERE status = 'pending' AND pending_since <= $4
        AND ($2::timestamptz IS NULL OR (pending_since, call_id) > ($2::timestamptz, $3::text))
      ORDER BY pending_since, call_id LIMIT $1`,
    [limit, after?.since ?? null, after?.callId ?? null, until],
  );
  const last = rows.at(-1);
  return { ids: rows.map((r) => r.call_id), next: last ? { since: last.pending_since, callId: last.call_id } : null };
}

/** The pending calls by what they wait for: how many, and since when the oldest waits. */
export interface PendingStats {
  byReason: Partial<Record<string, { count: number; oldestSince: Date }>>;
}

/**
 * What the pending gauges show: per reason, how many calls wait and since when the oldest does.
 * `pending_since` is when the call started waiting, for whatever reason: a call that waited for a
 * plan and now waits for a rate counts its whole wait under `rate` (its day's rate is then at
 * least as old, so it should long be there).
 */
export async function pendingStats(sql: Sql): Promise<PendingStats> {
  const rows = await sql.query<{ pending_reason: string; n: string; oldest: Date }>(
    `SELECT pending_reason, count(*) AS n, min(pending_since) AS oldest FROM call_costings
      WHERE status = 'pending' GROUP BY pending_reason`,
  );
  return {
    byReason: Object.fromEntries(rows.map((r) => [r.pending_reason, { count: Number(r.n), oldestSince: r.oldest }])),
  };
}
