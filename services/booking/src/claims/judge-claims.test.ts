import type { BookingClaim } from '@rb/contracts';
import type { CallBooking } from './judge-claims';
import { judgeClaims, mismatchesOf } from './judge-claims';

const ZONE = 'Europe/Berlin';
const THURSDAY_11 = '2026-10-15T09:00:00Z'; // 11:00 in Berlin

const claim = (over: Partial<BookingClaim> = {}): BookingClaim => ({
  source: 'agent_sentence',
  kind: 'booked',
  start: { utc: THURSDAY_11, precision: 'minute' },
  language: 'de',
  at: 'agent:3',
  ...over,
});
const booking = (over: Partial<CallBooking> = {}): CallBooking => ({
  publicId: 'bk_7Q2M9XK4',
  callId: 'call_1',
  status: 'confirmed',
  startUtc: THURSDAY_11,
  timeZone: ZONE,
  serviceName: 'Damenhaarschnitt',
  leased: false,
  ...over,
});
const kinds = (claims: BookingClaim[], bookings: CallBooking[]) =>
  judgeClaims(claims, bookings, ZONE).map((v) => v.kind);
const problems = (claims: BookingClaim[], bookings: CallBooking[]) =>
  mismatchesOf(judgeClaims(claims, bookings, ZONE)).map((m) => m.problem);

describe('judging what the agent claimed against the bookings that exist', () => {
  it('when a confirmed booking of the call starts at the claimed minute, then the claim holds', () => {
    expect(kinds([claim()], [booking()])).toEqual(['held']);
  });

  it('when the call has no booking at all, then the claim is a no_booking mismatch with the claimed start in local time', () => {
    const [mismatch] = mismatchesOf(judgeClaims([claim()], [], ZONE));
    expect(mismatch).toEqual({
      source: 'agent_sentence',
      kind: 'booked',
      problem: 'no_booking',
      claimedStart: { utc: THURSDAY_11, local: '2026-10-15T11:00:00', timeZone: ZONE },
      language: 'de',
      at: 'agent:3',
    });
  });

  it('when the call booked another time, then the claim is other_time and names the booking that exists', () => {
    const [mismatch] = mismatchesOf(judgeClaims([claim()], [booking({ startUtc: '2026-10-15T08:00:00Z' })], ZONE));
    expect(mismatch).toMatchObject({
      problem: 'other_time',
      actual: {
        bookingId: 'bk_7Q2M9XK4',
        start: { utc: '2026-10-15T08:00:00Z', local: '2026-10-15T10:00:00', timeZone: ZONE },
        serviceName: 'Damenhaarschnitt',
      },
    });
  });

  it('when only the day was claimed, then any confirmed booking on that local day holds, and one the next day does not', () => {
    const day = claim({ start: { utc: '2026-10-14T22:00:00Z', precision: 'day' } });
    expect(kinds([day], [booking({ startUtc: '2026-10-15T17:30:00Z' })])).toEqual(['held']);
    expect(problems([day], [booking({ startUtc: '2026-10-15T22:30:00Z' })])).toEqual(['other_time']);
  });

  it('when a service was named, then it matches loosely; another service at that time is other_service', () => {
    expect(
      kinds([claim({ serviceName: 'Damen-Haarschnitt' })], [booking({ serviceName: 'Damen Haarschnitt' })]),
    ).toEqual(['held']);
    expect(kinds([claim({ serviceName: 'Schneiden' })], [booking({ serviceName: 'Schneiden und Föhnen' })])).toEqual([
      'held',
    ]);
    expect(kinds([claim({ serviceName: 'Färben Langhaar' })], [booking({ serviceName: 'Färben und Tönen' })])).toEqual([
      'held',
    ]);
    expect(problems([claim({ serviceName: 'Färben' })], [booking()])).toEqual(['other_service']);
  });

  it('when the claim names its booking, then only that booking counts: another of the call at that time does not', () => {
    const named = claim({ source: 'tool_result', bookingId: 'bk_4TN8QW2R' });
    expect(problems([named], [booking()])).toEqual(['no_booking']);
    expect(kinds([named], [booking({ publicId: 'bk_4TN8QW2R', callId: 'call_0' })])).toEqual(['held']);
  });

  it('when the booking is still pending, then the claim waits; one that failed or was compensated is no_booking', () => {
    const verdicts = judgeClaims([claim()], [booking({ status: 'pending', leased: true })], ZONE);
    expect(verdicts[0]).toMatchObject({ kind: 'wait', booking: { leased: true } });
    expect(problems([claim()], [booking({ status: 'failed' })])).toEqual(['no_booking']);
    expect(problems([claim({ bookingId: 'bk_7Q2M9XK4' })], [booking({ status: 'compensated' })])).toEqual([
      'no_booking',
    ]);
  });

  it('when a move is claimed, then the named booking must be confirmed at the new start', () => {
    const moved = claim({
      kind: 'rescheduled',
      bookingId: 'bk_7Q2M9XK4',
      start: { utc: '2026-10-16T14:00:00Z', precision: 'minute' },
    });
    expect(kinds([moved], [booking({ startUtc: '2026-10-16T14:00:00Z', callId: 'call_0' })])).toEqual(['held']);
    expect(problems([moved], [booking()])).toEqual(['other_time']);
    expect(problems([moved], [booking({ status: 'cancelled', startUtc: '2026-10-16T14:00:00Z' })])).toEqual([
      'no_booking',
    ]);
  });

  it('when a cancellation is claimed, then the booking must be cancelled: still active is not_cancelled, unknown is no_booking', () => {
    const cancelled = claim({ kind: 'cancelled', source: 'tool_result', bookingId: 'bk_7Q2M9XK4', start: undefined });
    expect(kinds([cancelled], [booking({ status: 'cancelled' })])).toEqual(['held']);
    expect(problems([cancelled], [booking()])).toEqual(['not_cancelled']);
    expect(problems([cancelled], [])).toEqual(['no_booking']);
    expect(kinds([cancelled], [booking({ status: 'compensated' })])).toEqual(['held']);
    expect(problems([cancelled], [booking({ status: 'failed' })])).toEqual(['no_booking']);
    const said = claim({ kind: 'cancelled', start: { utc: '2026-10-14T22:00:00Z', precision: 'day' } });
    expect(kinds([said], [booking({ status: 'cancelled' })])).toEqual(['held']);
    expect(problems([said], [booking()])).toEqual(['not_cancelled']);
  });

  it('when a later claim moves or cancels the same booking, then the earlier claim is superseded, not judged', () => {
    const booked = claim({ source: 'tool_result', bookingId: 'bk_7Q2M9XK4' });
    const moved = claim({
      kind: 'rescheduled',
      bookingId: 'bk_7Q2M9XK4',
      start: { utc: '2026-10-16T14:00:00Z', precision: 'minute' },
    });
    const other = claim({ kind: 'cancelled', bookingId: 'bk_9KX2M4PT', start: undefined });
    const now = [
      booking({ startUtc: '2026-10-16T14:00:00Z' }),
      booking({ publicId: 'bk_9KX2M4PT', status: 'cancelled' }),
    ];
    expect(kinds([booked, moved], now)).toEqual(['superseded', 'held']);
    // a cancellation of another booking does not overtake a named claim
    expect(kinds([booked, other], now)).toEqual(['mismatch', 'held']);
  });

  it('when a claim has no start, then any confirmed booking of the call holds it', () => {
    expect(kinds([claim({ start: undefined })], [booking({ startUtc: '2026-10-20T07:00:00Z' })])).toEqual(['held']);
    expect(problems([claim({ start: undefined })], [])).toEqual(['no_booking']);
  });
});
