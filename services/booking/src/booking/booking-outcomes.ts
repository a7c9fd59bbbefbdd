import type { BookingIntentRequestedV1, BookingOutcomeV1, EventEnvelope } from '@rb/contracts';
import { TOPICS } from '@rb/contracts';
import type { OutboxEvent } from '@rb/kafka-runner';
import { buildOutboxEvent } from '@rb/kafka-runner';
import { DateTime } from 'luxon';
import type { CalcomBooking } from '../calcom/calcom-client';

/**
 * The outcomes booking emits on booking.outcomes.v1, each built here once: by an intent's
 * handling, its give-up, its compensation, and an admin's change of a booking.
 */

type Outcome<T extends BookingOutcomeV1['type']> = Extract<BookingOutcomeV1, { type: T }>;
export type FailedOutcome = Outcome<'booking.failed.v1'>;
export type FailureReason = FailedOutcome['reason'];

/** Whom an outcome is about: an intent, or the stored booking it made. */
export type OutcomeSubject = Pick<BookingIntentRequestedV1, 'callId' | 'idempotencyKey' | 'attribution'>;

function common(subject: OutcomeSubject, now: Date) {
  return {
    callId: subject.callId,
    idempotencyKey: subject.idempotencyKey,
    attribution: subject.attribution,
    occurredAt: now.toISOString(),
  };
}

/** `detail` is for people (at most 500 characters); callers redact what may quote the caller. */
export function failedOutcome(
  subject: OutcomeSubject,
  now: Date,
  reason: FailureReason,
  detail: string,
): FailedOutcome {
  return { type: 'booking.failed.v1', ...common(subject, now), reason, detail: detail.slice(0, 500) };
}

/**
 * The wished slot, booked now or found by its idempotency key; `alternative: false` until its
 * settling finds the start was offered to the call (trackAlternatives).
 */
export function confirmedOutcome(
  intent: OutcomeSubject & Pick<BookingIntentRequestedV1, 'service' | 'requestedStart'>,
  now: Date,
  booking: CalcomBooking,
): Outcome<'booking.confirmed.v1'> {
  return {
    type: 'booking.confirmed.v1',
    ...common(intent, now),
    booking: toOutcomeBooking(booking, intent.service.calcomEventTypeId, intent.requestedStart.timeZone),
    alternative: false,
  };
}

export function alternativesOutcome(
  intent: OutcomeSubject & Pick<BookingIntentRequestedV1, 'requestedStart'>,
  now: Date,
  alternatives: Outcome<'booking.alternatives-offered.v1'>['alternatives'],
): Outcome<'booking.alternatives-offered.v1'> {
  return {
    type: 'booking.alternatives-offered.v1',
    ...common(intent, now),
    requestedStart: intent.requestedStart,
    alternatives,
  };
}

export function cancelledOutcome(
  subject: OutcomeSubject,
  now: Date,
  uid: string,
  cause: Outcome<'booking.cancelled.v1'>['cause'],
): Outcome<'booking.cancelled.v1'> {
  return { type: 'booking.cancelled.v1', ...common(subject, now), uid, cause };
}

export function rescheduledOutcome(
  subject: OutcomeSubject,
  now: Date,
  fromUid: string,
  booking: Outcome<'booking.rescheduled.v1'>['booking'],
): Outcome<'booking.rescheduled.v1'> {
  return { type: 'booking.rescheduled.v1', ...common(subject, now), fromUid, booking };
}

/** A Cal.com booking as outcomes carry it: UTC and the branch's local time, in its zone. */
export function toOutcomeBooking(booking: CalcomBooking, eventTypeId: number, zone: string) {
  const at = (iso: string) => {
    const t = DateTime.fromISO(iso, { zone: 'utc' });
    return {
      utc: t.toISO({ suppressMilliseconds: true })!,
      local: t.setZone(zone).toISO({ suppressMilliseconds: true, includeOffset: false })!,
      timeZone: zone,
    };
  };
  return {
    uid: booking.uid,
    eventTypeId,
    start: at(booking.start),
    end: at(booking.end),
    status: booking.status === 'pending' ? ('pending' as const) : ('accepted' as const),
  };
}

/** What framing an outcome for the outbox needs. */
export interface OutcomeFraming {
  encode: (topic: string, value: unknown) => Buffer;
  /** booking.outcomes.v1 (tests use their own) */
  outcomesTopic?: string;
  source: string;
  clock: () => Date;
}

/** booking.outcomes.v1, keyed by call id; the event id names the intent and the change. */
export function outcomeEvent(
  outcome: BookingOutcomeV1,
  cause: EventEnvelope | undefined,
  deps: OutcomeFraming,
): OutboxEvent {
  const topic = deps.outcomesTopic ?? TOPICS.bookingOutcomes;
  const change =
    'uid' in outcome ? `:${outcome.uid}` : outcome.type === 'booking.rescheduled.v1' ? `:${outcome.booking.uid}` : '';
  return buildOutboxEvent(
    { topic, key: outcome.callId },
    {
      id: `${outcome.idempotencyKey}:${outcome.type}${change}`,
      type: outcome.type,
      source: deps.source,
      time: deps.clock().toISOString(),
      subject: outcome.callId,
      correlationId: outcome.callId,
      ...(cause ? { cause: { id: cause.id, traceparent: cause.traceparent } } : {}),
    },
    () => deps.encode(topic, outcome),
  );
}
