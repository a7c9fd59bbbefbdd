import type { BookingIntentEvent, BookingOutcomeV1 } from '@rb/contracts';
import { BookingIntentEventSchema } from '@rb/contracts';
import type { MessageHandler, Transactions } from '@rb/kafka-runner';
import { decodeContractMessage } from '@rb/kafka-runner';
import type { AlternativesObserver } from '../alternatives/offered-alternatives.repository';
import { trackAlternatives } from '../alternatives/offered-alternatives.repository';
import { afterCommit } from '../infra/after-commit';
import type { OutcomeFraming } from './booking-outcomes';
import { outcomeEvent } from './booking-outcomes';
import type { RequestOutcome } from './booking-requests';
import { releaseLease, settleIntent, supersede } from './booking-requests';
import { undoBooking } from './compensate-booking';
import { parkIntent, unpark } from './parked-intents.repository';
import type { Intent, Lease, Park, Prepared, PrepareIntentDeps } from './prepare-intent';
import { DEFAULT_LEASE, makePrepareIntent } from './prepare-intent';

export type { Intent, Park, Prepared } from './prepare-intent';

export interface BookingIntentsDeps extends PrepareIntentDeps, OutcomeFraming {
  /** the compensation's own transaction (the consumer's could not commit) */
  transactions: Transactions;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
  /** who holds an intent's lease while talking to Cal.com about it (one id per process) */
  lease?: Lease;
  /** an intent was parked (in the consumer's transaction): due for its re-drive after `retryAfterMs` */
  onParked?: (park: Park) => void;
  /** a post-call intent was settled as superseded: its call was handled live */
  onSuperseded?: () => void;
  /**
   * an intent's outcome committed (once per intent; in a transaction opened through
   * `withAfterCommit`): its type, and the seconds from the intent's `ce_time` to the commit
   */
  onIntentSettled?: (type: RequestOutcome['type'], seconds: number) => void;
  /** alternatives offered for a call, or a booking at one of them, committed (once per intent) */
  onAlternatives?: AlternativesObserver;
}

/**
 * calls.booking-intents.v1 → Cal.com → booking.outcomes.v1, with the standard recipe: the
 * Cal.com work happens in `prepare` (before the transaction, see prepare-intent.ts); `apply`
 * records the outcome and writes it to the outbox in one transaction. An intent already settled
 * (a redelivery, or the same intent under another event id) changes nothing. If the outcome can
 * never be committed, `compensate` cancels the booking it made: a saga, not a distributed
 * transaction. An intent of a call its live commands claimed first is settled as `superseded`,
 * with no Cal.com call and no outcome (call_claims). An intent whose Cal.com is unavailable is
 * parked (`parked_intents`, with its inbox claim) instead of pausing the partition for every
 * tenant on it; redrive-parked.ts brings it back here. Alternatives offered are remembered for
 * their call, and a booking at one of them goes out as `alternative: true` (trackAlternatives).
 */
export function makeBookingIntents(deps: BookingIntentsDeps): MessageHandler<Intent, Prepared> {
  const lease = deps.lease ?? DEFAULT_LEASE;
  const prepareIntent = makePrepareIntent(deps, lease);
  return {
    decode(message) {
      const { envelope, value } = decodeContractMessage(message, BookingIntentEventSchema, 'booking intent');
      const event: BookingIntentEvent = value;
      return event.type === 'booking.intent-requested.v1'
        ? { eventId: envelope.id, eventType: event.type, event: { kind: 'intent', intent: event, envelope } }
        : { eventId: envelope.id, eventType: event.type, event: { kind: 'other' } };
    },

    async prepare(event, message) {
      if (event.kind !== 'intent') return { kind: 'nothing' };
      return prepareIntent(event, message.timestamp);
    },

    async apply(event, { sql, prepared, message }) {
      if (event.kind !== 'intent') return [];
      if (event.parked) await unpark(sql, event.parked.id);
      if (prepared.kind === 'park') {
        const { intent, envelope } = event;
        await parkIntent(sql, {
          ...prepared,
          eventId: envelope.id,
          callId: intent.callId,
          companyId: intent.attribution.companyId,
          idempotencyKey: intent.idempotencyKey,
          message,
        });
        await releaseLease(sql, intent.idempotencyKey, lease.owner);
        deps.onParked?.(prepared);
        return [];
      }
      if (prepared.kind === 'nothing') return [];
      if (prepared.kind === 'superseded') {
        // the live booking is the call's: no Cal.com call was made, and no outcome goes out
        if (await supersede(sql, event.intent.idempotencyKey)) deps.onSuperseded?.();
        return [];
      }
      // another handling of this intent committed its outcome first: that one is the intent's
      if (!(await settleIntent(sql, prepared.outcome))) return [];
      const { intent } = event;
      const request = { eventTypeId: intent.service.calcomEventTypeId, source: intent.source };
      const outcome = await trackAlternatives(sql, prepared.outcome, request, deps.onAlternatives);
      deps.onOutcome?.(outcome);
      const { type } = outcome;
      const occurred = Date.parse(event.envelope.time);
      afterCommit(sql, () => deps.onIntentSettled?.(type, Math.max(0, deps.clock().getTime() - occurred) / 1000));
      return [outcomeEvent(outcome, prepared.cause, deps)];
    },

    async compensate(event, prepared, cause) {
      if (prepared.kind !== 'outcome' || prepared.outcome.type !== 'booking.confirmed.v1' || !prepared.gateway) return;
      if (event.kind !== 'intent') return;
      await undoBooking(prepared.outcome, prepared.gateway, cause, event.envelope, deps);
    },
  };
}
