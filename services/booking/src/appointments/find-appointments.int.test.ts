import { randomUUID } from 'node:crypto';
import { AppointmentsAnswerSchema } from '@rb/contracts';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { MIGRATIONS } from '../infra/db/migrations';
import { callerDigest } from './caller-index';
import { findAppointments } from './find-appointments';
import { publicBookingId } from './public-id';

/** Integration: find_appointments over booking's own PostgreSQL, the bookings inserted as booking left them. */
const KEY = Buffer.alloc(32, 5);
const CALLER = '+4917612345678';
const now = new Date('2026-10-01T08:00:00Z');

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_find_appointments', MIGRATIONS);
});
afterAll(() => db.drop());

/** One request row of `company` for `phone`, as a live booking (or what became of it) leaves it. */
async function stored(
  company: string,
  startUtc: string,
  options: { phone?: string | null; status?: string; duration?: number | null; digestAt?: string } = {},
) {
  const key = `live:call_${randomUUID()}:book:${startUtc}`;
  const phone = options.phone === undefined ? CALLER : options.phone;
  await db.dataSource.query(
    `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, status, calcom_uid,
       event_type_id, start_utc, time_zone, source, public_id, caller_digest, service_name, duration_minutes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1201, $8, 'Europe/Berlin', 'live', $9, $10, 'Herrenhaarschnitt', $11)`,
    [
      key,
      `call_${randomUUID()}`,
      company,
      randomUUID(),
      randomUUID(),
      options.status ?? 'confirmed',
      `uid_${randomUUID()}`,
      startUtc,
      publicBookingId(key),
      phone === null ? null : callerDigest(KEY, options.digestAt ?? company, phone),
      options.duration === undefined ? 30 : options.duration,
    ],
  );
  return publicBookingId(key);
}

const find = (company: string, callerPhone = CALLER) =>
  findAppointments(
    { db: typeormAutocommit(db.dataSource), clock: () => now, callerKey: KEY },
    { companyId: company, callerPhone },
  );
const startsOf = (answer: Awaited<ReturnType<typeof find>>) => answer.appointments.map((a) => a.start.utc);

describe("a caller's appointments", () => {
  it("when the company holds bookings of several callers, then only the caller's own are listed", async () => {
    const company = randomUUID();
    const mine = await stored(company, '2026-10-13T12:30:00Z');
    await stored(company, '2026-10-13T13:30:00Z', { phone: '+4917699999999' });
    await stored(company, '2026-10-13T14:30:00Z', { phone: null }); // a post-call booking without a number
    const answer = AppointmentsAnswerSchema.parse(await find(company));
    expect(answer).toEqual({
      appointments: [
        {
          bookingId: mine,
          start: { utc: '2026-10-13T12:30:00Z', local: '2026-10-13T14:30:00', timeZone: 'Europe/Berlin' },
          end: { utc: '2026-10-13T13:00:00Z', local: '2026-10-13T15:00:00', timeZone: 'Europe/Berlin' },
          serviceName: 'Herrenhaarschnitt',
          status: 'accepted',
        },
      ],
    });
  });

  it("when the same number booked at another company, then that company's bookings are not listed", async () => {
    const [company, other] = [randomUUID(), randomUUID()];
    await stored(company, '2026-10-14T12:30:00Z');
    await stored(other, '2026-10-14T08:00:00Z');
    // even a row of the other company under this company's digest (a digest is no company check)
    await stored(other, '2026-10-14T09:00:00Z', { digestAt: company });
    expect(startsOf(await find(company))).toEqual(['2026-10-14T12:30:00Z']);
  });

  it('when bookings are past, cancelled, failed or not yet made, then only the upcoming confirmed ones are listed', async () => {
    const company = randomUUID();
    await stored(company, '2026-09-30T12:30:00Z'); // yesterday
    await stored(company, '2026-10-01T08:00:00Z'); // starting now
    await stored(company, '2026-10-15T09:00:00Z', { status: 'cancelled' });
    await stored(company, '2026-10-15T10:00:00Z', { status: 'failed' });
    await stored(company, '2026-10-15T11:00:00Z', { status: 'pending' });
    await stored(company, '2026-10-15T12:00:00Z', { status: 'compensated' });
    await stored(company, '2026-10-15T13:00:00Z');
    expect(startsOf(await find(company))).toEqual(['2026-10-15T13:00:00Z']);
  });

  it('when the caller holds more than three, then the three earliest are listed, earliest first', async () => {
    const company = randomUUID();
    for (const start of [
      '2026-10-20T12:00:00Z',
      '2026-10-06T12:00:00Z',
      '2026-11-02T09:00:00Z',
      '2026-10-02T07:00:00Z',
    ])
      await stored(company, start);
    expect(startsOf(await find(company))).toEqual([
      '2026-10-02T07:00:00Z',
      '2026-10-06T12:00:00Z',
      '2026-10-20T12:00:00Z',
    ]);
  });

  it('when the number is written with spaces and dashes, or the company id in capitals, then the same bookings are found', async () => {
    const company = randomUUID();
    await stored(company, '2026-10-16T12:30:00Z');
    expect(startsOf(await find(company, '+49 176 1234-5678'))).toEqual(['2026-10-16T12:30:00Z']);
    expect(startsOf(await find(company.toUpperCase(), '+49 (176) 12345678'))).toEqual(['2026-10-16T12:30:00Z']);
  });

  it("when the service's length was not recorded, then the end is read as 30 minutes after the start", async () => {
    const company = randomUUID();
    await stored(company, '2026-10-16T12:30:00Z', { duration: null });
    expect((await find(company)).appointments[0]!.end.utc).toBe('2026-10-16T13:00:00Z');
  });
});
