import type { BookingClaim, BookingOutcomeV1 } from '@rb/contracts';
import { DateTime } from 'luxon';
import type { RequestStatus } from '../booking/booking-requests';

export type ClaimMismatchV1 = Extract<BookingOutcomeV1, { type: 'booking.claim-mismatch.v1' }>;
export type ClaimMismatch = ClaimMismatchV1['mismatches'][number];

/** A row of booking_requests the call's claims may be about: the call's own, or one a claim names. */
export interface CallBooking {
  /** the `bk_…` handle; null on rows from before the live call */
  publicId: string | null;
  callId: string;
  status: RequestStatus;
  /** ISO 8601 UTC; the requested start while pending, the booking's once confirmed */
  startUtc: string | null;
  timeZone: string;
  serviceName: string | null;
  /** pending and its lease runs: a replica is making it now (not parked) */
  leased: boolean;
}

/** What became of one claim: held; a mismatch; not judged yet (its booking is still being made); or overtaken. */
export type ClaimVerdict =
  | { kind: 'held'; claim: BookingClaim }
  | { kind: 'mismatch'; claim: BookingClaim; mismatch: ClaimMismatch }
  | { kind: 'wait'; claim: BookingClaim; booking: CallBooking }
  /** a later claim of the call moved or cancelled the same booking: that one says what should exist */
  | { kind: 'superseded'; claim: BookingClaim };

type Problem = ClaimMismatch['problem'];
type Finding =
  | { kind: 'held' }
  | { kind: 'wait'; booking: CallBooking }
  | { kind: 'mismatch'; problem: Problem; actual?: CallBooking };

const isCancelled = (b: CallBooking) => b.status === 'cancelled' || b.status === 'compensated';

/**
 * The truth check: each claim the agent made (call.analysed.v1 `claims`) against the bookings
 * that exist. A booking claim holds when a confirmed booking starts at the claimed minute (or on
 * the claimed local day) and, if a service was named, is for it (loosely); a claim naming its
 * booking (`bookingId`) is judged on that booking alone. A move holds when the booking is
 * confirmed at the claimed start; a cancellation when it is cancelled. A booking still `pending`
 * is not judged yet (`wait`). `timeZone` is the branch's, for the claimed start's local time. Pure.
 */
export function judgeClaims(
  claims: readonly BookingClaim[],
  bookings: readonly CallBooking[],
  timeZone: string,
): ClaimVerdict[] {
  return claims.map((claim, at) => {
    if (supersededBy(claim, claims.slice(at + 1))) return { kind: 'superseded', claim };
    const named = claim.bookingId !== undefined;
    const candidates = named ? bookings.filter((b) => b.publicId === claim.bookingId) : bookings;
    const finding =
      claim.kind === 'cancelled' ? judgeCancel(claim, candidates) : judgeBooking(claim, candidates, named);
    if (finding.kind !== 'mismatch') return { ...finding, claim };
    return { kind: 'mismatch', claim, mismatch: mismatchOf(claim, finding, timeZone) };
  });
}

/** The mismatches of a call's verdicts, in the order claimed. */
export const mismatchesOf = (verdicts: readonly ClaimVerdict[]): ClaimMismatch[] =>
  verdicts.flatMap((v) => (v.kind === 'mismatch' ? [v.mismatch] : []));

/** A later move or cancellation of the same booking (or of one unnamed) overtakes an earlier claim. */
function supersededBy(claim: BookingClaim, later: readonly BookingClaim[]): boolean {
  return later.some(
    (next) =>
      next.kind !== 'booked' &&
      (claim.bookingId === undefined || next.bookingId === undefined || next.bookingId === claim.bookingId),
  );
}

/** booked / rescheduled: a confirmed booking at the claimed start, of the named service. */
function judgeBooking(claim: BookingClaim, candidates: readonly CallBooking[], named: boolean): Finding {
  const confirmed = candidates.filter((b) => b.status === 'confirmed');
  const atStart = confirmed.filter((b) => startMatches(claim, b));
  if (atStart.some((b) => serviceMatches(claim, b))) return { kind: 'held' };
  const pending = candidates.find((b) => b.status === 'pending' && (named || startMatches(claim, b)));
  if (pending) return { kind: 'wait', booking: pending };
  if (atStart[0]) return { kind: 'mismatch', problem: 'other_service', actual: atStart[0] };
  if (confirmed[0]) return { kind: 'mismatch', problem: 'other_time', actual: confirmed[0] };
  return { kind: 'mismatch', problem: 'no_booking' };
}

/** cancelled: the booking (at the claimed start, when unnamed) is cancelled. */
function judgeCancel(claim: BookingClaim, candidates: readonly CallBooking[]): Finding {
  const atStart = claim.bookingId === undefined ? candidates.filter((b) => startMatches(claim, b)) : candidates;
  if (atStart.some(isCancelled)) return { kind: 'held' };
  const pending = atStart.find((b) => b.status === 'pending');
  if (pending) return { kind: 'wait', booking: pending };
  const active = atStart.find((b) => b.status === 'confirmed');
  if (active) return { kind: 'mismatch', problem: 'not_cancelled', actual: active };
  return { kind: 'mismatch', problem: 'no_booking' };
}

function startMatches(claim: BookingClaim, booking: CallBooking): boolean {
  if (!claim.start) return true;
  if (!booking.startUtc) return false;
  const claimed = DateTime.fromISO(claim.start.utc, { zone: 'utc' });
  const actual = DateTime.fromISO(booking.startUtc, { zone: 'utc' });
  if (claim.start.precision === 'minute') return claimed.startOf('minute').equals(actual.startOf('minute'));
  const day = (t: DateTime) => t.setZone(booking.timeZone).toISODate();
  return day(claimed) === day(actual);
}

/** Loosely: the same words, one name inside the other ("Schneiden" in "Schneiden und Föhnen"), or a shared word of 4+ letters. */
function serviceMatches(claim: BookingClaim, booking: CallBooking): boolean {
  if (!claim.serviceName || !booking.serviceName) return true;
  const [said, booked] = [normalise(claim.serviceName), normalise(booking.serviceName)];
  if (said.includes(booked) || booked.includes(said)) return true;
  const words = new Set(booked.split(' ').filter((w) => w.length >= 4));
  return said.split(' ').some((w) => words.has(w));
}

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function mismatchOf(
  claim: BookingClaim,
  finding: Extract<Finding, { kind: 'mismatch' }>,
  timeZone: string,
): ClaimMismatch {
  const { actual } = finding;
  return {
    source: claim.source,
    kind: claim.kind,
    problem: finding.problem,
    ...(claim.start ? { claimedStart: instant(claim.start.utc, timeZone) } : {}),
    ...(actual?.publicId && actual.startUtc
      ? {
          actual: {
            bookingId: actual.publicId,
            start: instant(actual.startUtc, actual.timeZone),
            serviceName: (actual.serviceName ?? '').slice(0, 200),
          },
        }
      : {}),
    language: claim.language,
    at: claim.at,
  };
}

/** UTC and the branch's local time, as outcomes carry times. */
function instant(utc: string, timeZone: string) {
  const t = DateTime.fromISO(utc, { zone: 'utc' });
  return {
    utc: t.toISO({ suppressMilliseconds: true })!,
    local: t.setZone(timeZone).toISO({ suppressMilliseconds: true, includeOffset: false })!,
    timeZone,
  };
}
