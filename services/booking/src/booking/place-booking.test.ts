import { startStatefulCalcom } from '../../test/stateful-calcom';
import { CalcomClient } from '../calcom/calcom-client';
import { CalcomGateway } from '../calcom/calcom-gateway';
import { LookupFailedError, placeBooking } from './place-booking';

/** Exactly once against a stateful Cal.com on 127.0.0.1 with injected faults. */
describe('placing a booking at most once per idempotency key', () => {
  let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
  beforeEach(async () => (calcom = await startStatefulCalcom()));
  afterEach(() => calcom.stop());

  const gateway = () =>
    new CalcomGateway(new CalcomClient({ baseUrl: calcom.url, token: 'cal_test' }), {
      account: 'acct-1',
      timeoutMs: 200,
      backoff: { initialMs: 5, maxMs: 10 },
    });
  const input = (key: string, mayHaveBeenSent = false) => ({
    request: {
      eventTypeId: 1201,
      startUtc: '2050-09-05T07:00:00Z',
      attendee: { name: 'Sabine Krüger', timeZone: 'Europe/Berlin', phoneNumber: '+4917612345678' },
      metadata: { idempotencyKey: key },
    },
    durationMinutes: 45,
    mayHaveBeenSent,
  });
  const accepted = () => calcom.bookings.filter((b) => b.status === 'accepted');

  it('when the create times out after Cal.com stored it, then the lookup finds it and nothing is booked twice', async () => {
    calcom.inject({ route: 'POST /v2/bookings', applyThenDelayMs: 500 });
    const placed = await placeBooking(gateway(), input('call_1:booking-intent'));
    expect(placed).toMatchObject({ kind: 'booked', reconciled: true, booking: { uid: 'fake_1' } });
    expect(accepted()).toHaveLength(1);
  });

  it('when a crash came after the create was sent, then the retry looks first and does not create again', async () => {
    await placeBooking(gateway(), input('call_2:booking-intent'));
    const calls = calcom.calls.length;
    const again = await placeBooking(gateway(), input('call_2:booking-intent', true));
    expect(again).toMatchObject({ kind: 'booked', reconciled: true });
    expect(calcom.calls.slice(calls)).toEqual(['GET /v2/bookings']);
    expect(accepted()).toHaveLength(1);
  });

  it("when a retry hears 'slot taken', then it checks whether the booking is its own before calling it taken", async () => {
    await placeBooking(gateway(), input('call_3:booking-intent'));
    const calls = calcom.calls.length;
    // the lookup before the create misses it (a lagging list), the create then meets our own booking
    calcom.inject({ route: 'GET /v2/bookings', body: { status: 'success', data: [] } });
    const again = await placeBooking(gateway(), input('call_3:booking-intent', true));
    expect(again).toMatchObject({ kind: 'booked', reconciled: true, booking: { uid: 'fake_1' } });
    expect(calcom.calls.slice(calls)).toEqual(['GET /v2/bookings', 'POST /v2/bookings', 'GET /v2/bookings']);
    expect(accepted()).toHaveLength(1);
  });

  it('when the lookup itself fails, then nothing is created and the error is thrown to be retried', async () => {
    await placeBooking(gateway(), input('call_6:booking-intent'));
    calcom.inject({ route: 'GET /v2/bookings', status: 503, times: 3 });
    const calls = calcom.calls.length;
    await expect(placeBooking(gateway(), input('call_6:booking-intent', true))).rejects.toMatchObject({
      kind: 'server_error',
    });
    expect(calcom.calls.slice(calls).every((c) => c === 'GET /v2/bookings')).toBe(true);
    expect(accepted()).toHaveLength(1);
  });

  it('when the slot is taken by someone else, then the answer is slot_unavailable, also on a retry', async () => {
    await placeBooking(gateway(), input('someone-else'));
    expect(await placeBooking(gateway(), input('call_4:booking-intent'))).toMatchObject({ kind: 'slot_unavailable' });
    expect(await placeBooking(gateway(), input('call_4:booking-intent', true))).toMatchObject({
      kind: 'slot_unavailable',
    });
    expect(accepted()).toHaveLength(1);
  });

  it('when the create fails with a 503 that Cal.com did not apply, then it is thrown to be retried, and the retry books once', async () => {
    calcom.inject({ route: 'POST /v2/bookings', status: 503 });
    await expect(placeBooking(gateway(), input('call_5:booking-intent'))).rejects.toMatchObject({
      kind: 'server_error',
      message: expect.stringMatching(/not found; retry after a lookup/),
    });
    expect(await placeBooking(gateway(), input('call_5:booking-intent', true))).toMatchObject({
      kind: 'booked',
      reconciled: false,
    });
    expect(accepted()).toHaveLength(1);
  });

  it("when Cal.com gave the booking the event type's own, longer length, then the lookup after a timeout still finds it", async () => {
    await calcom.stop();
    calcom = await startStatefulCalcom({ durationMinutes: 90 }); // the directory says 45
    calcom.inject({ route: 'POST /v2/bookings', applyThenDelayMs: 500 });
    const placed = await placeBooking(gateway(), input('call_7:booking-intent'));
    expect(placed).toMatchObject({ kind: 'booked', reconciled: true, booking: { uid: 'fake_1' } });
    expect(accepted()).toHaveLength(1);
  });

  it('when the lookup before a retried create is refused (a revoked key), then nothing is settled: the outcome stays unknown', async () => {
    await placeBooking(gateway(), input('call_8:booking-intent'));
    calcom.inject({ route: 'GET /v2/bookings', status: 401 });
    const retried = placeBooking(gateway(), input('call_8:booking-intent', true));
    await expect(retried).rejects.toBeInstanceOf(LookupFailedError);
    expect(accepted()).toHaveLength(1);
  });
});
