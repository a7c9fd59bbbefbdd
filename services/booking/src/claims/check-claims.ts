import type { CallAnalysedV1, EventEnvelope } from '@rb/contracts';
import { CallLifecycleEventSchema } from '@rb/contracts';
import type { MessageHandler } from '@rb/kafka-runner';
import { claimInbox, decodeContractMessage, DependencyUnavailableError } from '@rb/kafka-runner';
import type { OutcomeFraming } from '../booking/booking-outcomes';
import { outcomeEvent } from '../booking/booking-outcomes';
import { loadBranch } from '../directory/branch-directory';
import { loadCallBookings } from './call-bookings.repository';
import type { ClaimMismatchV1 } from './judge-claims';
import { judgeClaims, mismatchesOf } from './judge-claims';

/** A call's verdict, for booking_claim_checks_total{verdict}. */
export type ClaimsVerdict = 'held' | 'mismatch' | 'no_claims';

export type ClaimsEvent =
  | {
      kind: 'analysed';
      analysed: CallAnalysedV1 & { claims: NonNullable<CallAnalysedV1['claims']> };
      envelope: EventEnvelope;
    }
  | { kind: 'other' };

export interface CheckClaimsDeps extends OutcomeFraming {
  /** each call judged (once per call.analysed.v1 with claims), in the consumer's transaction */
  onVerdict?: (verdict: ClaimsVerdict) => void;
  /**
   * How old an analysis must be before a mismatch is emitted (default 10 s): a booking on its way
   * (a live command or post-call intent booking has not consumed yet) gets that long to appear.
   */
  settleMs?: number;
  /** when to look again while a claimed booking is being made or the analysis is settling (default 2 s) */
  retryMs?: number;
}

/** the second inbox key, per call: one check however many event ids its analysis comes under */
const CHECKED = 'booking.claim-check';

/**
 * The truth check, as a calls.lifecycle.v1 handler: call.analysed.v1 with `claims` → its claims
 * judged against booking_requests (the call's rows and those its claims name) → at most one
 * booking.claim-mismatch.v1 per call on booking.outcomes.v1 (idempotency key `<callId>:claims`),
 * through the outbox. Other events, events from before `claims`, and unrouted calls (no tenant
 * to tell) change nothing.
 *
 * A claimed booking still pending with a running lease is being made right now: the message is
 * retried shortly (DependencyUnavailableError, no attempt counted). A pending one whose lease was
 * released is parked (Cal.com unavailable): its claims are not judged, neither held nor
 * mismatched, because its own outcome (confirmed, or booking.failed.v1 calcom_unavailable, which
 * asks the business to call back) tells the business what became of it; a call with no other
 * mismatch then counts as held. A mismatch found while the analysis is younger than `settleMs`
 * is looked at again until then.
 */
export function makeCheckClaims(deps: CheckClaimsDeps): MessageHandler<ClaimsEvent> {
  const settleMs = deps.settleMs ?? 10_000;
  const retryMs = deps.retryMs ?? 2_000;
  return {
    decode(message) {
      const { envelope, value } = decodeContractMessage(message, CallLifecycleEventSchema, 'call lifecycle event');
      if (value.type !== 'call.analysed.v1' || value.claims === undefined)
        return { eventId: envelope.id, eventType: value.type, event: { kind: 'other' } };
      const analysed = { ...value, claims: value.claims };
      return { eventId: envelope.id, eventType: value.type, event: { kind: 'analysed', analysed, envelope } };
    },

    async apply(event, { sql, message }) {
      if (event.kind !== 'analysed' || !event.analysed.attribution) return [];
      const { callId, attribution, claims } = event.analysed;
      if (claims.length === 0) {
        deps.onVerdict?.('no_claims');
        return [];
      }
      if (!(await claimInbox(sql, CHECKED, `${callId}:claims`))) return [];
      const named = claims.flatMap((c) => (c.bookingId ? [c.bookingId] : []));
      const bookings = await loadCallBookings(sql, attribution.companyId, callId, named);
      const zone = (await loadBranch(sql, attribution.branchId))?.timeZone ?? bookings[0]?.timeZone ?? 'UTC';
      const verdicts = judgeClaims(claims, bookings, zone);
      if (verdicts.some((v) => v.kind === 'wait' && v.booking.leased))
        throw new DependencyUnavailableError(
          'CLAIMED_BOOKING_IN_PROGRESS',
          `a booking of call ${callId} is being made`,
          retryMs,
        );
      const mismatches = mismatchesOf(verdicts);
      const age = deps.clock().getTime() - message.timestamp;
      if (mismatches.length > 0 && age < settleMs)
        throw new DependencyUnavailableError(
          'CLAIMS_SETTLING',
          `call ${callId}: a claimed booking may still be on its way`,
          Math.max(1, Math.min(retryMs, settleMs - age)),
        );
      deps.onVerdict?.(mismatches.length > 0 ? 'mismatch' : 'held');
      if (mismatches.length === 0) return [];
      const outcome: ClaimMismatchV1 = {
        type: 'booking.claim-mismatch.v1',
        callId,
        idempotencyKey: `${callId}:claims`,
        attribution,
        occurredAt: deps.clock().toISOString(),
        mismatches,
        claimCount: claims.length,
      };
      return [outcomeEvent(outcome, event.envelope, deps)];
    },
  };
}
