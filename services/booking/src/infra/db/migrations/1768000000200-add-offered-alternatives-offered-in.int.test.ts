import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../../../../../test/support/postgres';
import { MIGRATIONS } from '../migrations';
import { AddOfferedAlternativesOfferedIn1768000000200 } from './1768000000200-add-offered-alternatives-offered-in';

/** The migration on booking's real PostgreSQL, over offers made before it (every earlier migration run). */
jest.setTimeout(30_000);

const before = MIGRATIONS.filter((m) => m !== AddOfferedAlternativesOfferedIn1768000000200);
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_offered_in', before);
});
afterAll(() => db.drop());

describe('offered_alternatives.offered_in, added to offers made before it', () => {
  it("when offers were made by a live book and by a post-call intent, then each reads where it was offered from its request's source", async () => {
    const company = randomUUID();
    const request = (key: string, source: 'live' | 'intent') =>
      db.dataSource.query(
        `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, time_zone,
           status, source)
         VALUES ($1, 'call_1', $2, $3, $3, 'Europe/Berlin', 'alternatives_offered', $4)`,
        [key, company, randomUUID(), source],
      );
    const offer = (offeredBy: string, minute: number) =>
      db.dataSource.query(
        `INSERT INTO offered_alternatives (company_id, call_id, event_type_id, start_utc, offered_by)
         VALUES ($1, 'call_1', 1201, $2, $3)`,
        [company, `2026-10-13T12:0${minute}:00Z`, offeredBy],
      );
    await request('live:call_1:book:slot_a', 'live');
    await request('call_1:booking-intent', 'intent');
    await offer('live:call_1:book:slot_a', 1);
    await offer('call_1:booking-intent', 2);

    const runner = db.dataSource.createQueryRunner();
    try {
      await new AddOfferedAlternativesOfferedIn1768000000200().up(runner);
    } finally {
      await runner.release();
    }

    const rows = await db.dataSource.query(
      'SELECT offered_by, offered_in FROM offered_alternatives WHERE company_id = $1 ORDER BY start_utc',
      [company],
    );
    expect(rows).toEqual([
      { offered_by: 'live:call_1:book:slot_a', offered_in: 'live_call' },
      { offered_by: 'call_1:booking-intent', offered_in: 'post_call' },
    ]);
    await expect(offer('call_1:later', 3)).rejects.toThrow(/offered_in/);
  });
});
