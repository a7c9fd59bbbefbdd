import { Redis } from 'ioredis';
import type { BookingIntentRequestedV1 } from '@rb/contracts';
import { BookingOutcomeV1Schema } from '@rb/contracts';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { CalcomClient } from '../calcom/calcom-client';
import { CalcomGateway } from '../calcom/calcom-gateway';
import { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { bookIntent } from './book-intent';

/** Integration: the real Redis (availability cache) and a stateful fake Cal.com on 127.0.0.1. */
describe('a booking intent becomes one outcome', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());
  let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
  afterEach(() => calcom?.stop());

  // Tuesday 13 October 2026, 14:30 in Cologne
  const intent = (callId: string): BookingIntentRequestedV1 => ({
    type: 'booking.intent-requested.v1',
    callId,
    idempotencyKey: `${callId}:booking-intent`,
    attribution: {
      companyId: '00000000-0000-4000-8000-000000000001',
      branchId: '00000000-0000-4000-8000-000000000002',
      phoneNumberId: '00000000-0000-4000-8000-000000000003',
    },
    service: {
      id: '00000000-0000-4000-8000-00000000000a',
      name: 'Damenhaarschnitt',
      calcomEventTypeId: 1201,
      durationMinutes: 45,
    },
    staffPreference: null,
    requestedStart: { utc: '2026-10-13T12:30:00Z', local: '2026-10-13T14:30:00', timeZone: 'Europe/Berlin' },
    customer: { id: null, name: 'Sabine Krüger', phone: '+4917612345678' },
    confidence: { date: 0.9, time: 0.9, service: 0.8, name: 0.9 },
    source: 'analysis',
  });
  const deps = (token = 'cal_test') => {
    const lookups = { hit: 0, miss: 0 };
    return {
      lookups,
      deps: {
        gateway: new CalcomGateway(new CalcomClient({ baseUrl: calcom.url, token }), {
          account: 'acct-1',
          backoff: { initialMs: 5, maxMs: 10 },
        }),
        account: 'acct-1',
        cache: new RedisAvailabilityCache({
          redis,
          ttlSeconds: 30,
          keyPrefix: `${uniqueName('it:slots')}:`,
          onLookup: (r: 'hit' | 'miss') => lookups[r]++,
        }),
        branch: { timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5], federalState: 'NW' as const },
        clock: () => new Date('2026-10-12T08:00:00Z'),
      },
    };
  };

  it('when the wished slot is free, then it is booked once and the outcome is confirmed with the Cal.com uid', async () => {
    calcom = await startStatefulCalcom();
    const outcome = await bookIntent(intent('call_a'), deps().deps, false);
    expect(BookingOutcomeV1Schema.parse(outcome)).toMatchObject({
      type: 'booking.confirmed.v1',
      booking: {
        uid: 'fake_1',
        start: { utc: '2026-10-13T12:30:00Z', local: '2026-10-13T14:30:00' },
        end: { local: '2026-10-13T15:15:00' },
      },
      alternative: false,
    });
    expect(calcom.bookings[0]!.metadata).toMatchObject({ idempotencyKey: 'call_a:booking-intent', callId: 'call_a' });
    // the same intent again (a redelivery whose first outcome was unknown): still one booking
    expect(await bookIntent(intent('call_a'), deps().deps, true)).toMatchObject({ type: 'booking.confirmed.v1' });
    expect(calcom.bookings).toHaveLength(1);
  });

  it('when the wished slot is taken, then ranked alternatives are offered from the free slots of the week', async () => {
    calcom = await startStatefulCalcom({
      freeStartsUtc: ['2026-10-13T13:30:00Z', '2026-10-13T08:00:00Z', '2026-10-14T12:30:00Z', '2026-10-20T12:30:00Z'],
    });
    await bookIntent(intent('call_first'), deps().deps, false); // someone took 14:30
    const { deps: d, lookups } = deps();
    const outcome = await bookIntent(intent('call_b'), d, false);
    expect(BookingOutcomeV1Schema.parse(outcome)).toMatchObject({
      type: 'booking.alternatives-offered.v1',
      requestedStart: { local: '2026-10-13T14:30:00' },
      alternatives: [
        { start: { local: '2026-10-13T15:30:00' }, strategy: 'same_day_other_time' },
        { start: { local: '2026-10-13T10:00:00' }, strategy: 'same_day_other_time' },
        { start: { local: '2026-10-14T14:30:00' }, strategy: 'next_workday_same_time' },
      ],
    });
    expect(lookups.miss).toBe(8);
    // asked again: the week comes from the cache, which already knows the wish is taken, so no
    // create is sent that Cal.com would refuse
    const creates = calcom.calls.filter((c) => c === 'POST /v2/bookings').length;
    const again = await bookIntent(intent('call_c'), d, false);
    expect(again.type).toBe('booking.alternatives-offered.v1');
    expect(lookups.hit).toBe(8);
    expect(calcom.calls.filter((c) => c === 'POST /v2/bookings')).toHaveLength(creates);
  });

  it('when the intent names a time zone that does not exist, then it fails as an invalid request without asking Cal.com', async () => {
    calcom = await startStatefulCalcom();
    const odd = intent('call_zone');
    odd.requestedStart.timeZone = 'Mars/Olympus_Mons';
    const outcome = await bookIntent(odd, deps().deps, false);
    expect(outcome).toMatchObject({ type: 'booking.failed.v1', reason: 'invalid_request' });
    expect(calcom.calls).toEqual([]);
  });

  it('when nothing is free in the window, then the outcome is failed with no_availability', async () => {
    calcom = await startStatefulCalcom();
    await bookIntent(intent('call_first'), deps().deps, false);
    expect(await bookIntent(intent('call_d'), deps().deps, false)).toMatchObject({
      type: 'booking.failed.v1',
      reason: 'no_availability',
    });
  });

  it("when the tenant's credential is refused, then the outcome is failed with the reason and the key is in no detail", async () => {
    calcom = await startStatefulCalcom();
    calcom.inject({ route: 'POST /v2/bookings', status: 401 });
    const outcome = await bookIntent(intent('call_e'), deps('cal_live_refused_key_123456').deps, false);
    expect(outcome).toMatchObject({ type: 'booking.failed.v1', reason: 'calcom_unauthorized' });
    expect(JSON.stringify(outcome)).not.toContain('cal_live_refused_key_123456');
  });

  it('when Cal.com is down, then nothing is decided: the error is thrown for the runner to retry or pause', async () => {
    calcom = await startStatefulCalcom();
    calcom.inject({ route: 'POST /v2/bookings', status: 503 });
    calcom.inject({ route: 'GET /v2/bookings', status: 503, times: 3 });
    await expect(bookIntent(intent('call_f'), deps().deps, false)).rejects.toMatchObject({ kind: 'server_error' });
    expect(calcom.bookings).toHaveLength(0);
  });
});
