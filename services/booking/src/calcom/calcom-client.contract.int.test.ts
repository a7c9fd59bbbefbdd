import { startPrism } from '../../../../test/support/prism';
import type { Fetch } from './calcom-client';
import { CalcomClient } from './calcom-client';
import { CalcomError } from './calcom-errors';

/**
 * Contract: every request our client sends is validated by Prism against Cal.com's OpenAPI
 * (../shared/calcom/openapi-bookings.json); an invalid one would be answered with the spec's 400.
 */
describe('the Cal.com client against the contract mock (Prism)', () => {
  let prism: Awaited<ReturnType<typeof startPrism>>;
  beforeAll(async () => {
    prism = await startPrism();
  }, 60_000);
  afterAll(() => prism?.stop());

  const TOKEN = 'cal_live_contract_test_secret_0123456789';
  /** the client, optionally asking Prism for one of the spec's error responses */
  const client = (prefer?: string) => {
    const withPrefer: Fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), ...(prefer ? { prefer } : {}) },
      });
    return new CalcomClient({ baseUrl: prism.url, token: TOKEN }, withPrefer);
  };
  const booking = {
    eventTypeId: 1201,
    startUtc: '2050-09-05T07:00:00Z',
    attendee: { name: 'Sabine Krüger', timeZone: 'Europe/Berlin', phoneNumber: '+4917612345678', language: 'de' },
    metadata: { idempotencyKey: 'call_1:booking-intent', companyId: '00000000-0000-4000-8000-000000000001' },
  };

  it('when free slots are asked for, then the request passes the contract and the answer comes back per day in UTC', async () => {
    const days = await client().slots({
      eventTypeId: 1201,
      startUtc: '2050-09-05T00:00:00Z',
      endUtc: '2050-09-06T23:59:59Z',
      timeZone: 'Europe/Berlin',
    });
    expect(days.map((d) => d.day)).toEqual(['2050-09-05', '2050-09-06']);
    expect(days[0]!.startsUtc[0]).toBe('2050-09-05T07:00:00.000Z');
  });

  it('when a booking is created, read, listed, moved and cancelled, then every request passes the contract', async () => {
    const c = client();
    const created = await c.createBooking(booking);
    expect(created).toMatchObject({ uid: expect.any(String), status: expect.any(String) });
    expect((await c.getBooking(created.uid)).uid).toEqual(expect.any(String));
    const listed = await c.listBookings({
      eventTypeId: 1201,
      afterStart: '2050-09-05T06:59:00Z',
      beforeEnd: '2050-09-05T08:01:00Z',
      status: ['upcoming', 'unconfirmed'],
      take: 10,
    });
    expect(Array.isArray(listed)).toBe(true);
    expect((await c.rescheduleBooking(created.uid, '2050-09-06T07:00:00Z', 'caller moved it')).uid).toEqual(
      expect.any(String),
    );
    expect((await c.cancelBooking(created.uid, 'caller cancelled')).uid).toEqual(expect.any(String));
  });

  it('when a request breaks the contract, then Prism refuses it and the client calls it an invalid request', async () => {
    // the control that shows Prism validates: an attendee without its required time zone
    const broken = { ...booking, attendee: { name: 'X', phoneNumber: '+4917612345678' } as never };
    await expect(client().createBooking(broken)).rejects.toMatchObject({ kind: 'invalid_request', status: 400 });
  });

  it.each([
    ['code=400, example=slotTaken', 'slot_unavailable', 400],
    ['code=409', 'conflict', 409],
    ['code=404', 'not_found', 404],
    ['code=401', 'unauthorized', 401],
    ['code=429', 'rate_limited', 429],
  ])('when Cal.com answers %s, then the failure is %s', async (prefer, kind, status) => {
    const failure = await client(prefer)
      .createBooking(booking)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CalcomError);
    expect(failure).toMatchObject({ kind, status });
    // no credential in what we would log
    expect(JSON.stringify({ message: (failure as Error).message, ...(failure as object) })).not.toContain(TOKEN);
    if (kind === 'rate_limited') expect((failure as CalcomError).retryAfterSeconds).toBeGreaterThanOrEqual(0);
  });
});
