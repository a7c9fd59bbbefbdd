import { randomUUID } from 'node:crypto';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { makeIntent } from '../../test/booking-harness';
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
    });
    // the same replica again (a retry after a pause) keeps it
    await markCreateSent(sql, intent.idempotencyKey, a);
    expect(await openRequest(sql, intent, a, requestFacts(intent, undefined))).toEqual({
      status: 'pending',
      createSent: true,
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
    });
    // a settled intent takes no lease: duplicates are answered by any replica at once
    expect(await openRequest(sql, intent, a, requestFacts(intent, undefined))).toEqual({
      status: 'failed',
      createSent: true,
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
    });
    await expect(markCreateSent(sql, intent.idempotencyKey, a)).rejects.toBeInstanceOf(IntentLeasedError);
    await markCreateSent(sql, intent.idempotencyKey, b);
  });
});
