import type { BookingIntentRequestedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { RequestOutcome } from '../booking/booking-requests';
import { afterCommit } from '../infra/after-commit';

/** Where a booking request came from (analysis, transcript, live_call): the alternatives metrics' label. */
export type RequestSource = BookingIntentRequestedV1['source'];

/** The request whose outcome is being settled: the event type it books, and where it came from. */
export interface SettlingRequest {
  eventTypeId: number;
  source: RequestSource;
}

/**
 * Where an offer was made: during the call (a live book's slot_taken) or after it (a post-call
 * intent's booking.alternatives-offered.v1). A post-call offer is never taken: its intent holds the
 * call (call_claims) and is the call's last request.
 */
export type OfferedIn = 'live_call' | 'post_call';

export const offeredIn = (source: RequestSource): OfferedIn => (source === 'live_call' ? 'live_call' : 'post_call');

/**
 * An offer committed (`offered`, by the offering request's source), or a booking at an offered
 * start committed (`taken`, by the booking request's source and where that start was offered).
 */
export type AlternativesEvent =
  { kind: 'offered'; source: RequestSource } | { kind: 'taken'; source: RequestSource; offeredIn: OfferedIn };

export type AlternativesObserver = (event: AlternativesEvent) => void;

/**
 * In the transaction that settles a request (a post-call intent or a live book), before its
 * outcome goes to the outbox: an offer of alternatives is remembered for its call
 * (`offered_alternatives`, one statement, with where it was offered: a start offered twice keeps
 * its first offer); a booking confirmed at a start offered to its call for the same event type
 * (by this call's earlier book or intent) becomes `alternative: true`. Returns the outcome to
 * emit; `observe` hears of either once the transaction committed, so once per request (a
 * redelivery settles nothing and never gets here).
 */
export async function trackAlternatives(
  sql: Sql,
  outcome: RequestOutcome,
  request: SettlingRequest,
  observe?: AlternativesObserver,
): Promise<RequestOutcome> {
  const call = [outcome.attribution.companyId, outcome.callId, request.eventTypeId];
  switch (outcome.type) {
    case 'booking.alternatives-offered.v1': {
      const starts = outcome.alternatives.map((a) => a.start.utc);
      await sql.query(
        `INSERT INTO offered_alternatives (company_id, call_id, event_type_id, start_utc, offered_by, offered_in)
         SELECT $1, $2, $3, start_utc, $5, $6 FROM unnest($4::timestamptz[]) AS start_utc
         ON CONFLICT DO NOTHING`,
        [...call, starts, outcome.idempotencyKey, offeredIn(request.source)],
      );
      afterCommit(sql, () => observe?.({ kind: 'offered', source: request.source }));
      return outcome;
    }
    case 'booking.confirmed.v1': {
      const [offer] = await sql.query<{ offered_in: OfferedIn }>(
        `SELECT offered_in FROM offered_alternatives
         WHERE company_id = $1 AND call_id = $2 AND event_type_id = $3 AND start_utc = $4`,
        [...call, outcome.booking.start.utc],
      );
      if (!offer) return outcome;
      afterCommit(sql, () => observe?.({ kind: 'taken', source: request.source, offeredIn: offer.offered_in }));
      return { ...outcome, alternative: true };
    }
    default:
      return outcome;
  }
}

/**
 * Deletes up to `batchSize` offers made more than `olderThanMs` ago, oldest first, in one statement
 * (outside a transaction: each batch commits on its own); rows another session holds are skipped.
 */
export async function pruneOfferedAlternatives(sql: Sql, olderThanMs: number, batchSize: number): Promise<number> {
  const rows = await sql.query<{ n: string }>(
    `WITH old AS (
       SELECT company_id, call_id, event_type_id, start_utc FROM offered_alternatives
       WHERE offered_at < now() - make_interval(secs => $1)
       ORDER BY offered_at LIMIT $2 FOR UPDATE SKIP LOCKED),
     gone AS (
       DELETE FROM offered_alternatives o USING old
       WHERE (o.company_id, o.call_id, o.event_type_id, o.start_utc)
         = (old.company_id, old.call_id, old.event_type_id, old.start_utc)
       RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [olderThanMs / 1000, batchSize],
  );
  return Number(rows[0]?.n ?? 0);
}
