import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CancelRequestedV1, RescheduleRequestedV1 } from '@rb/contracts';
import { CommandResultSchema } from '@rb/contracts';
import { typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { CREDENTIAL_KEYS } from '../../test/booking-harness';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { Secret } from '../accounts/calcom-accounts';
import { callerDigest } from '../appointments/caller-index';
import { publicBookingId } from '../appointments/public-id';
import { AccountGateways } from '../calcom/account-gateways';
import { CredentialCipher } from '../credentials/credential-cipher';
import { MIGRATIONS } from '../infra/db/migrations';
import { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { makeChangeForCaller } from './change-for-caller';

/**
 * A caller moving or cancelling their booking during the call: booking's own PostgreSQL (the
 * booking's row inserted as a live booking left it), the real Redis (availability cache) and a
 * stateful fake Cal.com on 127.0.0.1 holding the booking.
 */
jest.setTimeout(60_000);

const CALLER = '+49 176 1234-5678';
const KEY = Buffer.alloc(32, 3);
const EVENT_TYPE = 1201;
// Tuesday 13 October 2026, 14:30 in Cologne; "now" is two weeks before
const START = '2026-10-13T12:30:00Z';
const clock = () => new Date('2026-10-01T08:00:00Z');

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
const redis = new Redis(testRedisUrl());
const cipher = CredentialCipher.fromConfig(CREDENTIAL_KEYS);
const company = randomUUID();
const branch = randomUUID();
let change: ReturnType<typeof makeChangeForCaller>;

beforeAll(async () => {
  db = await createTestDatabase('booking_change_caller', MIGRATIONS);
  calcom = await startStatefulCalcom({ openCalendar: true, uidPrefix: 'chg_' });
  const sealed = cipher.seal(new Secret('cal_test_token'), company);
  await db.dataSource.query(
    `INSERT INTO calcom_accounts (company_id, base_url, credential_kind, sealed_credential, key_id)
     VALUES ($1, $2, 'api_key', $3, $4)`,
    [company, calcom.url, sealed, cipher.keyOf(sealed)],
  );
  await db.dataSource.query(
    `INSERT INTO directory_branches (id, company_id, time_zone, federal_state, working_days, active, changed_at)
     VALUES ($1, $2, 'Europe/Berlin', 'NW', '{1,2,3,4,5}', true, now())`,
    [branch, company],
  );
  change = makeChangeForCaller({
    db: typeormAutocommit(db.dataSource),
    transactions: typeormTransactions(db.dataSource),
    cipher,
    gateways: new AccountGateways({ policy: { timeoutMs: 2_000, readAttempts: 1, breakAfter: 50 } }),
    cache: new RedisAvailabilityCache({ redis, ttlSeconds: 30, keyPrefix: `${uniqueName('it:slots')}:` }),
    encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
    outcomesTopic: 'it.booking-outcomes',
    source: '/test/booking',
    clock,
    callerKey: KEY,
    searchWindowDays: 7,
    alternativesCount: 3,
  });
});
afterAll(async () => {
  await calcom?.stop();
  await db?.drop();
  await redis.quit();
});

/** A live booking of the caller: held in Cal.com and as booking_requests has it once booked. */
async function booked(options: { startUtc?: string; phone?: string } = {}) {
  const startUtc = options.startUtc ?? START;
  const callId = `call_${randomUUID()}`;
  const key = `live:${callId}:book:slot_${startUtc}`;
  const response = await fetch(`${calcom.url}/v2/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      start: startUtc,
      eventTypeId: EVENT_TYPE,
      attendee: { name: 'A', timeZone: 'Europe/Berlin' },
    }),
  });
  const { data } = (await response.json()) as { data: { uid: string } };
  const publicId = publicBookingId(key);
  await db.dataSource.query(
    `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, status, calcom_uid,
       event_type_id, start_utc, time_zone, source, public_id, caller_digest, service_name, duration_minutes)
     VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $8, 'Europe/Berlin', 'live', $9, $10, 'Damenhaarschnitt', 45)`,
    [
      key,
      callId,
      company,
      branch,
      randomUUID(),
      data.uid,
      EVENT_TYPE,
      startUtc,
      publicId,
      callerDigest(KEY, company, options.phone ?? CALLER),
    ],
  );
  return { publicId, uid: data.uid, callId };
}

const common = (bookingId: string, phone: string | null = '+4917612345678') => ({
  callId: `call_${randomUUID()}`,
  commandId: randomUUID(),
  attribution: { companyId: company, branchId: branch, phoneNumberId: randomUUID() },
  caller: { phone },
  requestedAt: clock().toISOString(),
  bookingId,
  reason: null,
});
const cancel = (bookingId: string, phone?: string | null): CancelRequestedV1 => ({
  type: 'booking.cancel-requested.v1',
  ...common(bookingId, phone),
  idempotencyKey: `live:x:cancel:${bookingId}`,
});
const reschedule = (bookingId: string, newStartUtc: string, local: string): RescheduleRequestedV1 => ({
  type: 'booking.reschedule-requested.v1',
  ...common(bookingId),
  idempotencyKey: `live:x:reschedule:${bookingId}:${newStartUtc}`,
  newStart: { utc: newStartUtc, local, timeZone: 'Europe/Berlin' },
});

const outboxOf = async (callId: string) =>
  (await db.dataSource.query<{ value: Buffer }[]>('SELECT value FROM outbox WHERE key = $1 ORDER BY id', [callId])).map(
    (r) => (JSON.parse(r.value.toString()) as { type: string }).type,
  );
const rowOf = async (publicId: string) =>
  (
    await db.dataSource.query<{ status: string; calcom_uid: string; start_utc: Date }[]>(
      'SELECT status, calcom_uid, start_utc FROM booking_requests WHERE public_id = $1',
      [publicId],
    )
  )[0]!;
const calcomCalls = (uid: string) => calcom.calls.filter((c) => c.includes(uid)).length;

describe('a caller changing their booking during the call', () => {
  it("when another caller's number asks to cancel it, then it is not found and Cal.com is not asked", async () => {
    const { publicId, uid } = await booked();
    const answer = await change(cancel(publicId, '+4917699999999'));
    expect(answer).toMatchObject({ kind: 'refused', reason: 'booking_not_found' });
    // the same answer as a handle nobody has
    expect(await change(cancel('bk_00000000'))).toMatchObject({ kind: 'refused', reason: 'booking_not_found' });
    expect(calcomCalls(uid)).toBe(0);
    expect((await rowOf(publicId)).status).toBe('confirmed');
  });

  it('when the call has no caller number, then the command is refused as caller_unknown', async () => {
    const { publicId, uid } = await booked({ startUtc: '2026-10-13T14:00:00Z' });
    expect(await change(cancel(publicId, null))).toMatchObject({ kind: 'refused', reason: 'caller_unknown' });
    expect(await change(cancel(publicId, '{{user_number}}'))).toMatchObject({
      kind: 'refused',
      reason: 'caller_unknown',
    });
    expect(calcomCalls(uid)).toBe(0);
  });

  it('when the caller cancels, then Cal.com cancels it, booking.cancelled.v1 goes out and the answer names the booking', async () => {
    const { publicId, uid, callId } = await booked({ startUtc: '2026-10-22T12:30:00Z' });
    const answer = await change(cancel(publicId));
    expect(CommandResultSchema.parse(answer)).toEqual({
      kind: 'cancelled',
      bookingId: publicId,
      start: { utc: '2026-10-22T12:30:00Z', local: '2026-10-22T14:30:00', timeZone: 'Europe/Berlin' },
    });
    expect(calcom.bookings.find((b) => b.uid === uid)?.status).toBe('cancelled');
    expect(await outboxOf(callId)).toEqual(['booking.cancelled.v1']);
    expect((await rowOf(publicId)).status).toBe('cancelled');
  });

  it('when the cancel comes again after it succeeded, then it is answered cancelled again without asking Cal.com or emitting twice', async () => {
    const { publicId, uid, callId } = await booked({ startUtc: '2026-10-14T09:00:00Z' });
    const first = await change(cancel(publicId));
    const calls = calcomCalls(uid);
    expect(await change(cancel(publicId))).toEqual(first);
    expect(calcomCalls(uid)).toBe(calls);
    expect(await outboxOf(callId)).toEqual(['booking.cancelled.v1']);
  });

  it('when the caller moves it to a free time, then it keeps its handle, Cal.com holds the new time and booking.rescheduled.v1 goes out', async () => {
    const { publicId, uid, callId } = await booked({ startUtc: '2026-10-15T12:30:00Z' });
    const answer = await change(reschedule(publicId, '2026-10-16T08:00:00Z', '2026-10-16T10:00:00'));
    expect(CommandResultSchema.parse(answer)).toEqual({
      kind: 'rescheduled',
      appointment: {
        bookingId: publicId,
        start: { utc: '2026-10-16T08:00:00Z', local: '2026-10-16T10:00:00', timeZone: 'Europe/Berlin' },
        end: { utc: '2026-10-16T08:45:00Z', local: '2026-10-16T10:45:00', timeZone: 'Europe/Berlin' },
        serviceName: 'Damenhaarschnitt',
        status: 'accepted',
      },
    });
    const row = await rowOf(publicId);
    expect(row.calcom_uid).not.toBe(uid);
    expect(row.start_utc.toISOString()).toBe('2026-10-16T08:00:00.000Z');
    expect(await outboxOf(callId)).toEqual(['booking.rescheduled.v1']);
    // the same move again (a redelivery): the same answer, nothing moved twice
    const moves = calcom.calls.filter((c) => c.endsWith('/reschedule')).length;
    expect(await change(reschedule(publicId, '2026-10-16T08:00:00Z', '2026-10-16T10:00:00'))).toEqual(answer);
    expect(calcom.calls.filter((c) => c.endsWith('/reschedule'))).toHaveLength(moves);
  });

  it('when the new time is taken, then the answer is slot_taken with ranked alternatives around it and the booking stays', async () => {
    const { publicId, uid, callId } = await booked({ startUtc: '2026-10-19T12:30:00Z' });
    await booked({ startUtc: '2026-10-20T12:30:00Z', phone: '+4917600000000' }); // someone else's
    // Cal.com refuses a move to a taken time with the create's 400 (the fake moves without checking)
    calcom.inject({
      route: `POST /v2/bookings/${uid}/reschedule`,
      status: 400,
      body: {
        status: 'error',
        error: {
          code: 'BadRequestException',
          message: 'User either already has booking at this time or is not available',
        },
      },
    });
    const answer = await change(reschedule(publicId, '2026-10-20T12:30:00Z', '2026-10-20T14:30:00'));
    const parsed = CommandResultSchema.parse(answer);
    expect(parsed).toMatchObject({
      kind: 'slot_taken',
      alternatives: [{ strategy: 'same_day_other_time', start: { timeZone: 'Europe/Berlin' } }, {}, {}],
    });
    expect(parsed.kind === 'slot_taken' && parsed.alternatives[0]!.start.utc.startsWith('2026-10-20')).toBe(true);
    expect((await rowOf(publicId)).start_utc.toISOString()).toBe('2026-10-19T12:30:00.000Z');
    expect(await outboxOf(callId)).toEqual([]);
  });

  it('when Cal.com refuses the cancel as too late, then the answer is cancellation_window_passed and the booking stays', async () => {
    const { publicId, uid, callId } = await booked({ startUtc: '2026-10-21T12:30:00Z' });
    calcom.inject({
      route: `POST /v2/bookings/${uid}/cancel`,
      status: 400,
      body: {
        status: 'error',
        error: { code: 'BadRequestException', message: 'This event type does not allow cancellations' },
      },
    });
    expect(await change(cancel(publicId))).toMatchObject({ kind: 'refused', reason: 'cancellation_window_passed' });
    expect((await rowOf(publicId)).status).toBe('confirmed');
    expect(calcom.bookings.find((b) => b.uid === uid)?.status).toBe('accepted');
    expect(await outboxOf(callId)).toEqual([]);
  });
});
