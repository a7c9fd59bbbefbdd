import type { BookingIntentRequestedV1, BookingOutcomeV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { callerDigest } from '../appointments/caller-index';
import { publicBookingIdCandidate } from '../appointments/public-id';
import { BookingError } from '../booking-error';

export type RequestStatus =
  | 'pending'
  | 'confirmed'
  | 'alternatives_offered'
  | 'failed'
  | 'cancelled'
  | 'compensated'
  /** a post-call intent of a call handled live: the live booking is the call's (see call_claims) */
  | 'superseded';

/** The outcomes that settle a request (the truth check's finding is about a call, not a request). */
export type RequestOutcome = Exclude<BookingOutcomeV1, { type: 'booking.claim-mismatch.v1' }>;

/**
 * An intent whose outcome was emitted: a second intent with the same key changes nothing. A
 * compensated one too: its cancellation went out, and a redelivery must not book it again.
 */
export const SETTLED: ReadonlySet<RequestStatus> = new Set([
  'confirmed',
  'alternatives_offered',
  'failed',
  'cancelled',
  'compensated',
  'superseded',
]);

/** Another replica holds the intent's lease: it is working on it now (come back later). */
export class IntentLeasedError extends BookingError<'INTENT_LEASED'> {
  constructor(message: string) {
    super('INTENT_LEASED', message, { retryable: true });
  }
}

export interface BookingRequest {
  status: RequestStatus;
  /** a create may have reached Cal.com: look the booking up before creating one */
  createSent: boolean;
  /**
   * the `bk_…` handle the row holds: the one every answer and appointment of this request names
   * (null only for a row from before the live call that was settled before it learnt one)
   */
  publicId: string | null;
}

/** What a request's row says about it besides the booking: where it came from and how a caller finds it. */
export interface RequestFacts {
  /** `live`: a book command during the call; `intent`: the post-call intent */
  source: 'intent' | 'live';
  /** callerDigest of the company and the number booked under; null without a number */
  callerDigest: string | null;
  serviceName: string;
  durationMinutes: number;
}

/**
 * An intent's facts: a live one (built from a book command) is `live`; the caller's digest is of
 * the number the booking is made under (the customer's, which for a live book is the caller's
 * unless they named another), keyed with CALLER_INDEX_KEY.
 */
export function requestFacts(intent: BookingIntentRequestedV1, callerKey: Buffer | undefined): RequestFacts {
  const phone = intent.customer.phone;
  return {
    source: intent.source === 'live_call' ? 'live' : 'intent',
    callerDigest: (phone && callerDigest(callerKey, intent.attribution.companyId, phone)) || null,
    serviceName: intent.service.name,
    durationMinutes: intent.service.durationMinutes,
  };
}

/** How many handles a request tries before its row is given up on (a 40-bit clash twice in a row is not luck). */
const PUBLIC_ID_ATTEMPTS = 8;

/**
 * The intent's row, created on first sight, with its lease taken for `owner` (outside the
 * consumer's transaction: the lease and the "create sent" mark must survive that transaction's
 * rollback). Throws IntentLeasedError while another owner's lease runs. A row from before the
 * live call learns its facts on its next sight. Its `bk_…` handle is the first candidate
 * (publicBookingIdCandidate) no other booking of the company holds: a clash of the 40-bit handle
 * tries the next candidate instead of failing the request; the row's handle is returned, and a
 * row that has one keeps it.
 */
export async function openRequest(
  sql: Sql,
  intent: BookingIntentRequestedV1,
  lease: { owner: string; seconds: number },
  facts: RequestFacts,
): Promise<BookingRequest> {
  for (let attempt = 0; attempt < PUBLIC_ID_ATTEMPTS; attempt++) {
    try {
      return await openRequestAs(sql, intent, lease, facts, publicBookingIdCandidate(intent.idempotencyKey, attempt));
    } catch (error) {
      if (!isPublicIdClash(error)) throw error;
    }
  }
  throw new Error(`intent ${intent.idempotencyKey}: ${PUBLIC_ID_ATTEMPTS} booking handles in a row already taken`);
}

/** The company already has a booking with this handle (unique index booking_requests_public_id). */
function isPublicIdClash(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const code = e.driverError?.code ?? e.code;
  const constraint = e.driverError?.constraint ?? e.constraint;
  return code === '23505' && constraint === 'booking_requests_public_id';
}

async function openRequestAs(
  sql: Sql,
  intent: BookingIntentRequestedV1,
  lease: { owner: string; seconds: number },
  facts: RequestFacts,
  publicId: string,
): Promise<BookingRequest> {
  const rows = await sql.query<{ status: RequestStatus; create_sent_at: Date | null; public_id: string | null }>(
    `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, event_type_id,
       start_utc, time_zone, lease_owner, leased_until, source, public_id, caller_digest, service_name, duration_minutes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10), $11, $12, $13, $14, $15)
     ON CONFLICT (idempotency_key) DO UPDATE
       -- a settled intent takes no lease: a duplicate of it is answered at once by any replica
       SET lease_owner = CASE WHEN booking_requests.status = 'pending' THEN excluded.lease_owner END,
         leased_until = CASE WHEN booking_requests.status = 'pending' THEN excluded.leased_until END,
         public_id = COALESCE(booking_requests.public_id, excluded.public_id),
         caller_digest = COALESCE(booking_requests.caller_digest, excluded.caller_digest),
         service_name = COALESCE(booking_requests.service_name, excluded.service_name),
         duration_minutes = COALESCE(booking_requests.duration_minutes, excluded.duration_minutes)
       WHERE booking_requests.status <> 'pending' OR booking_requests.leased_until IS NULL
         OR booking_requests.leased_until < now() OR booking_requests.lease_owner = excluded.lease_owner
     RETURNING status, create_sent_at, public_id`,
    [
      intent.idempotencyKey,
      intent.callId,
      intent.attribution.companyId,
      intent.attribution.branchId,
      intent.attribution.phoneNumberId,
      intent.service.calcomEventTypeId,
      intent.requestedStart.utc,
      intent.requestedStart.timeZone,
      lease.owner,
      lease.seconds,
      facts.source,
      publicId,
      facts.callerDigest,
      facts.serviceName,
      facts.durationMinutes,
    ],
  );
  const row = rows[0];
  if (!row) throw new IntentLeasedError(`intent ${intent.idempotencyKey} is being handled by another replica`);
  return { status: row.status, createSent: row.create_sent_at !== null, publicId: row.public_id };
}

/**
 * Committed before a create is sent (autocommit): from now on the booking may exist. Only while
 * `owner` still holds the lease, which it extends to cover the create and the lookups after it;
 * a lease lost meanwhile (a slow intent, its partition moved) means no create from here.
 */
export async function markCreateSent(
  sql: Sql,
  idempotencyKey: string,
  lease: { owner: string; seconds: number },
): Promise<void> {
  const rows = await sql.query(
    `UPDATE booking_requests SET create_sent_at = now(), leased_until = now() + make_interval(secs => $3),
       updated_at = now()
     WHERE idempotency_key = $1 AND lease_owner = $2 AND leased_until > now()
     RETURNING 1 AS ok`,
    [idempotencyKey, lease.owner, lease.seconds],
  );
  if (rows.length === 0) throw new IntentLeasedError(`intent ${idempotencyKey}: lease lost before the create`);
}

/** The intent is parked: whoever re-drives it (this replica or another, after a restart) may take it at once. */
export async function releaseLease(sql: Sql, idempotencyKey: string, owner: string): Promise<void> {
  await sql.query(
    `UPDATE booking_requests SET lease_owner = NULL, leased_until = NULL
     WHERE idempotency_key = $1 AND lease_owner = $2 AND status = 'pending'`,
    [idempotencyKey, owner],
  );
}

/** Cal.com could not be reached for this intent: how long that has been so (ms), from the first time. */
export async function markUnavailable(sql: Sql, idempotencyKey: string): Promise<number> {
  const [row] = await sql.query<{ ms: string }>(
    `UPDATE booking_requests SET unavailable_since = COALESCE(unavailable_since, now())
     WHERE idempotency_key = $1
     RETURNING (extract(epoch FROM now() - unavailable_since) * 1000)::bigint AS ms`,
    [idempotencyKey],
  );
  return Number(row?.ms ?? 0);
}

const STATUS_OF: Record<RequestOutcome['type'], RequestStatus> = {
  'booking.confirmed.v1': 'confirmed',
  'booking.alternatives-offered.v1': 'alternatives_offered',
  'booking.failed.v1': 'failed',
  'booking.cancelled.v1': 'cancelled',
  'booking.rescheduled.v1': 'confirmed',
};

/**
 * An intent's outcome, recorded only while its request is still pending: two handlings of one
 * intent (a partition given back while the first still ran) may both prepare an outcome, and only
 * the first to commit is the intent's; the other is not emitted (false). An intent that never got
 * a request row (refused before one was made) is recorded as before.
 */
export async function settleIntent(sql: Sql, outcome: RequestOutcome): Promise<boolean> {
  const [settled] = await sql.query<{ status: string }>(
    'SELECT status FROM booking_requests WHERE idempotency_key = $1 FOR UPDATE',
    [outcome.idempotencyKey],
  );
  if (settled && settled.status !== 'pending') return false;
  await recordOutcome(sql, outcome);
  return true;
}

/**
 * The other side holds the request's call (call_claims): settled as `superseded`, without an
 * outcome; false when it was settled otherwise meanwhile. In the consumer's transaction.
 */
export async function supersede(sql: Sql, idempotencyKey: string): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE booking_requests SET status = 'superseded', lease_owner = NULL, leased_until = NULL, updated_at = now()
     WHERE idempotency_key = $1 AND status = 'pending' RETURNING 1 AS ok`,
    [idempotencyKey],
  );
  return rows.length > 0;
}

/** Inside the consumer's transaction, with the outcome's outbox row. */
export async function recordOutcome(sql: Sql, outcome: RequestOutcome): Promise<void> {
  const status =
    outcome.type === 'booking.cancelled.v1' && outcome.cause === 'compensation'
      ? 'compensated'
      : STATUS_OF[outcome.type];
  const booking = 'booking' in outcome ? outcome.booking : undefined;
  await sql.query(
    `UPDATE booking_requests SET status = $2, calcom_uid = COALESCE($3, calcom_uid),
       start_utc = COALESCE($4, start_utc), failure_reason = $5, lease_owner = NULL, leased_until = NULL,
       updated_at = now()
     WHERE idempotency_key = $1`,
    [
      outcome.idempotencyKey,
      status,
      booking?.uid ?? null,
      booking?.start.utc ?? null,
      outcome.type === 'booking.failed.v1' ? outcome.reason : null,
    ],
  );
}

/** What an admin change of a booking needs to emit its outcome. */
export interface StoredBooking {
  idempotencyKey: string;
  callId: string;
  attribution: { companyId: string; branchId: string; phoneNumberId: string };
  eventTypeId: number;
  timeZone: string;
  status: RequestStatus;
  startUtc: string;
}

export async function findByCalcomUid(
  sql: Sql,
  uid: string,
  options: { lock?: boolean } = {},
): Promise<StoredBooking | undefined> {
  const [row] = await sql.query<{
    idempotency_key: string;
    call_id: string;
    company_id: string;
    branch_id: string;
    phone_number_id: string;
    event_type_id: number;
    time_zone: string;
    status: RequestStatus;
    start_utc: Date;
  }>(
    `SELECT idempotency_key, call_id, company_id, branch_id, phone_number_id, event_type_id, time_zone, status, start_utc
     FROM booking_requests WHERE calcom_uid = $1${options.lock ? ' FOR UPDATE NOWAIT' : ''}`,
    [uid],
  );
  return (
    row && {
      idempotencyKey: row.idempotency_key,
      callId: row.call_id,
      attribution: { companyId: row.company_id, branchId: row.branch_id, phoneNumberId: row.phone_number_id },
      eventTypeId: row.event_type_id,
      timeZone: row.time_zone,
      status: row.status,
      startUtc: row.start_utc.toISOString(),
    }
  );
}
