import { randomUUID } from 'node:crypto';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { makeIntent } from '../../test/booking-harness';
import { publicBookingId, publicBookingIdCandidate } from '../appointments/public-id';
import { MIGRATIONS } from '../infra/db/migrations';
import { IntentLeasedError, markCreateSent, openRequest, recordOutcome, requestFacts } from './booking-requests';

/** Integration: booking's own PostgreSQL. Two replicas are two lease owners. */
describe('the lease on an intent', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('booking_requests', MIGRATIONS);
  });
  afterAll(() => db.drop());
  const a = { owner: 'replica-a', seconds: 60 };
  const b = { owner: 'replica-b', seconds: 60 };

  it('when one replica holds it, then the other may neither open it nor send a create, until it is settled', async () => {
    const sql = typeormAutocommit(db.dataSource);
    const intent = makeIntent(randomUUID(), '2026-10-13T12:30:00Z');
    expect(await openRequest(sql, intent, a, requestFacts(intent, undefined))).toEqual({
      status: 'pending',
      createSent: false,
      publicId: publicBookingId(intent.idempotencyKey),
    });
    // the same replica again (a retry after a pause) keeps it
    await markCreateSent(sql, intent.idempotencyKey, a);
    expect(await openRequest(sql, intent, a, requestFacts(intent, undefined))).toEqual({
      status: 'pending',
      createSent: true,
      publicId: publicBookingId(intent.idempotencyKey),
    });
    await expect(openRequest(sql, intent, b, requestFacts(intent, undefined))).rejects.toBeInstanceOf(
      IntentLeasedError,
    );
    await expect(markCreateSent(sql, intent.idempotencyKey, b)).rejects.toBeInstanceOf(IntentLeasedError);
    await recordOutcome(sql, {
      type: 'booking.failed.v1',
      callId: intent.callId,
      idempotencyKey: intent.idempotencyKey,
      attribution: intent.attribution,
      occurredAt: new Date().toISOString(),
      reason: 'no_availability',
      detail: 'x',
    });
    expect(await openRequest(sql, intent, b, requestFacts(intent, undefined))).toEqual({
      status: 'failed',
      createSent: true,
      publicId: publicBookingId(intent.idempotencyKey),
    });
    // a settled intent takes no lease: duplicates are answered by any replica at once
    expect(await openRequest(sql, intent, a, requestFacts(intent, undefined))).toEqual({
      status: 'failed',
      createSent: true,
      publicId: publicBookingId(intent.idempotencyKey),
    });
  });

  it('when the holder died, then its lease runs out and another replica takes over; the old holder may then not create', async () => {
    const sql = typeormAutocommit(db.dataSource);
    const intent = makeIntent(randomUUID(), '2026-10-13T12:30:00Z');
    await openRequest(sql, intent, { owner: 'replica-a', seconds: 1 }, requestFacts(intent, undefined));
    await expect(openRequest(sql, intent, b, requestFacts(intent, undefined))).rejects.toBeInstanceOf(
      IntentLeasedError,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await openRequest(sql, intent, b, requestFacts(intent, undefined))).toEqual({
      status: 'pending',
      createSent: false,
      publicId: publicBookingId(intent.idempotencyKey),
    });
    await expect(markCreateSent(sql, intent.idempotencyKey, a)).rejects.toBeInstanceOf(IntentLeasedError);
    await markCreateSent(sql, intent.idempotencyKey, b);
  });
});

describe("a request's bk_ handle", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('booking_request_handles', MIGRATIONS);
  });
  afterAll(() => db.drop());
  const lease = { owner: 'replica-a', seconds: 60 };

  /** Makes `holder`'s row hold `publicId`, as if its key's handle had come out the same. */
  const holdHandle = (holderKey: string, publicId: string) =>
    db.dataSource.query('UPDATE booking_requests SET public_id = $2 WHERE idempotency_key = $1', [holderKey, publicId]);

  it("when another request of the company already holds its handle, then it gets its next candidate, keeps it when opened again, and another company's request may hold the same handle", async () => {
    const sql = typeormAutocommit(db.dataSource);
    const company = randomUUID();
    const first = makeIntent(company, '2026-10-13T12:30:00Z');
    const second = makeIntent(company, '2026-10-13T14:00:00Z');
    await openRequest(sql, first, lease, requestFacts(first, undefined));
    // a 40-bit clash: the first request holds the handle the second one's key derives
    const clashing = publicBookingId(second.idempotencyKey);
    await holdHandle(first.idempotencyKey, clashing);

    const opened = await openRequest(sql, second, lease, requestFacts(second, undefined));
    expect(opened).toEqual({
      status: 'pending',
      createSent: false,
      publicId: publicBookingIdCandidate(second.idempotencyKey, 1),
    });
    expect(opened.publicId).not.toBe(clashing);
    expect(await openRequest(sql, second, lease, requestFacts(second, undefined))).toEqual(opened);

    const elsewhere = makeIntent(randomUUID(), '2026-10-13T14:00:00Z', { callId: second.callId });
    const other = { ...elsewhere, idempotencyKey: `${second.idempotencyKey}:other-company` };
    await openRequest(sql, other, lease, requestFacts(other, undefined));
    await holdHandle(other.idempotencyKey, clashing);
    const [row] = await db.dataSource.query('SELECT public_id FROM booking_requests WHERE idempotency_key = $1', [
      other.idempotencyKey,
    ]);
    expect(row).toEqual({ public_id: clashing });
  });
});
