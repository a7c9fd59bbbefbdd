import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@rb/kafka-runner';
import { messageCount, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import type { HarnessTopics } from '../test/booking-harness';
import {
  admin,
  createTopics,
  intentSender,
  makeIntent,
  outcomeReader,
  startService,
  waitFor,
} from '../test/booking-harness';
import { startStatefulCalcom } from '../test/stateful-calcom';
import { MIGRATIONS } from './infra/db/migrations';
import type { BookingService } from './service';

/**
 * Scenarios through the whole service: intents on the real Kafka, booking's own PostgreSQL,
 * Redis, and a stateful fake Cal.com on 127.0.0.1 with faults injected.
 */
jest.setTimeout(60_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_svc', MIGRATIONS);
});
afterAll(() => db.drop());

// the service's "now": the wishes below (October 2026) lie ahead of it
const clock = () => new Date('2026-10-01T08:00:00Z');
// Tuesday 13 October 2026, 14:30 in Berlin
const WISH = '2026-10-13T12:30:00Z';

async function scenario(
  options: {
    validTokens?: string[];
    env?: Record<string, string>;
    freeStartsUtc?: string[];
    partitions?: number;
    /** the real clock instead of 1 October 2026 (for what depends on an intent's age) */
    realClock?: boolean;
  } = {},
) {
  const calcom = await startStatefulCalcom({
    validTokens: options.validTokens ?? ['cal_live_good'],
    freeStartsUtc: options.freeStartsUtc ?? [],
    uidPrefix: `${uniqueName('uid')}_`,
  });
  const topics: HarnessTopics = await createTopics(options.partitions ?? 3);
  const service: BookingService = await startService(
    db.url,
    topics,
    options.env ?? {},
    options.realClock ? {} : { clock },
  );
  const sender = await intentSender(topics.intents);
  const outcomes = await outcomeReader(topics.outcomes);
  const connect = async (companyId: string, token = 'cal_live_good') => {
    const answer = await admin(service.port, 'PUT', `/companies/${companyId}/calcom-account`, {
      baseUrl: calcom.url,
      kind: 'api_key',
      token,
    });
    expect(answer.status).toBe(200);
  };
  const metrics = async () => (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop();
    await sender.stop();
    await outcomes.stop();
    await calcom.stop();
  };
  running.push(stop);
  return { calcom, topics, service, sender, outcomes, connect, metrics, stop };
}
/** a test that failed half-way leaves nothing running */
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});
const metric = (text: string, pattern: RegExp) =>
  text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

describe('the booking service', () => {
  it('when the same intent arrives three times (a redelivery and a re-emission), then Cal.com gets one booking and one outcome goes out', async () => {
    const s = await scenario();
    const company = randomUUID();
    await s.connect(company);
    const intent = makeIntent(company, WISH);
    await s.sender.send(intent);
    await s.sender.send(intent); // the same event redelivered
    await s.sender.send(intent, `${intent.callId}:re-emitted`); // the same intent under another event id
    await waitFor('the outcome', () => s.outcomes.of(intent.callId).length >= 1);
    await waitFor(
      'all three handled',
      async () => metric(await s.metrics(), /^kafka_consumer_messages_total\{.*(processed|duplicate)/) === 3,
    );
    // its time to the outcome is observed once, not per delivery
    expect(metric(await s.metrics(), /^booking_intent_to_outcome_seconds_count\{.*type="booking.confirmed.v1"/)).toBe(
      1,
    );
    await s.stop();
    const booked = s.calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey);
    expect(booked).toHaveLength(1);
    expect(s.outcomes.of(intent.callId)).toEqual([
      expect.objectContaining({
        type: 'booking.confirmed.v1',
        booking: expect.objectContaining({
          uid: booked[0]!.uid,
          start: expect.objectContaining({ local: '2026-10-13T14:30:00' }),
        }),
      }),
    ]);
    expect(s.calcom.calls.filter((c) => c === 'POST /v2/bookings')).toHaveLength(1);
  });

  it('when Cal.com answers 503 for a while, then the breaker opens, its intents are parked (the partition moves on), nothing is dead-lettered, and every intent is booked after recovery', async () => {
    const s = await scenario({ partitions: 1 });
    const company = randomUUID();
    await s.connect(company);
    // Cal.com is down: every call answers 503 for a while
    s.calcom.inject({ route: '', status: 503, times: 8 });
    const intents = [0, 1, 2, 3, 4].map((i) =>
      makeIntent(company, `2026-10-13T${String(7 + i).padStart(2, '0')}:00:00Z`),
    );
    for (const intent of intents) await s.sender.send(intent);
    await waitFor('every intent confirmed', () => intents.every((i) => s.outcomes.of(i.callId).length === 1), 45_000);
    const text = await s.metrics();
    await s.stop();
    expect(metric(text, /^booking_calcom_policy_events_total\{event="breaker_open"/)).toBeGreaterThanOrEqual(1);
    expect(metric(text, /^booking_intents_parked_total/)).toBeGreaterThanOrEqual(1);
    // the re-driven intents' time to their outcome is observed too (their wait included)
    expect(metric(text, /^booking_intent_to_outcome_seconds_count\{.*type="booking.confirmed.v1"/)).toBe(5);
    expect(metric(text, /^kafka_consumer_messages_total\{.*outcome="dead_lettered"/)).toBe(0);
    expect(await messageCount(deadLetterTopic(s.topics.intents))).toBe(0);
    for (const intent of intents) {
      expect(s.outcomes.of(intent.callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
      expect(
        s.calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey && b.status === 'accepted'),
      ).toHaveLength(1);
    }
    // the breaker stopped the calls: far fewer creates than a retry loop would have sent
    expect(s.calcom.calls.length).toBeLessThan(8 + 5 * 3);
  });

  it("when Cal.com fails one intent's create for longer than an intent may wait, then it fails with calcom_unavailable once a lookup shows no booking, and the partition moves on", async () => {
    const s = await scenario({ partitions: 1, realClock: true, env: { CALCOM_GIVE_UP_AFTER_MS: '4000' } });
    const company = randomUUID();
    await s.connect(company);
    // a create Cal.com answers with 500 every time (a request it chokes on); lookups work
    s.calcom.inject({ route: 'POST /v2/bookings', status: 500, times: 100_000 });
    const stuck = makeIntent(company, '2026-12-15T10:00:00Z');
    await s.sender.send(stuck);
    await waitFor('the give-up', () => s.outcomes.of(stuck.callId).length === 1, 40_000);
    const text = await s.metrics();
    expect(s.outcomes.of(stuck.callId)[0]).toMatchObject({ type: 'booking.failed.v1', reason: 'calcom_unavailable' });
    // parked meanwhile, and given up by its re-drive
    expect(metric(text, /^booking_intents_parked_total/)).toBeGreaterThanOrEqual(1);
    expect(await messageCount(deadLetterTopic(s.topics.intents))).toBe(0);
    expect(s.calcom.bookings).toHaveLength(0);
    // the next intent on the partition is not held up any longer than that
    const next = makeIntent(company, '2026-12-15T12:00:00Z');
    await s.sender.send(next);
    await waitFor('the next outcome', () => s.outcomes.of(next.callId).length === 1, 40_000);
  });

  it("when an old intent's create went through but its answer and the lookup were lost, then it is not given up as failed: the next lookup finds the booking", async () => {
    const s = await scenario({ realClock: true, env: { CALCOM_GIVE_UP_AFTER_MS: '1000' } });
    const company = randomUUID();
    await s.connect(company);
    // Cal.com makes the booking but answers after our 1.5 s time limit; the lookup then fails too
    s.calcom.inject({ route: 'POST /v2/bookings', applyThenDelayMs: 3_000 });
    s.calcom.inject({ route: 'GET /v2/bookings', status: 503, times: 3 });
    const intent = makeIntent(company, '2026-12-15T10:00:00Z');
    await s.sender.send(intent);
    await waitFor('the outcome', () => s.outcomes.of(intent.callId).length === 1, 40_000);
    expect(s.outcomes.of(intent.callId)[0]).toMatchObject({ type: 'booking.confirmed.v1' });
    expect(s.calcom.bookings).toHaveLength(1);
  });

  it('when the wished slot is taken, then ranked alternatives from free slots are offered', async () => {
    const s = await scenario({
      freeStartsUtc: ['2026-10-13T09:00:00Z', '2026-10-13T14:00:00Z', '2026-10-14T12:30:00Z', '2026-10-20T12:30:00Z'],
    });
    const company = randomUUID();
    await s.connect(company);
    const first = makeIntent(company, WISH);
    await s.sender.send(first);
    await waitFor('the first booking', () => s.outcomes.of(first.callId).length === 1);
    const second = makeIntent(company, WISH);
    await s.sender.send(second);
    await waitFor('the alternatives', () => s.outcomes.of(second.callId).length === 1);
    await s.stop();
    const [offered] = s.outcomes.of(second.callId);
    expect(offered).toMatchObject({ type: 'booking.alternatives-offered.v1' });
    const alternatives = (offered as Extract<typeof offered, { type: 'booking.alternatives-offered.v1' }>).alternatives;
    expect(alternatives.map((a) => [a.start.local, a.strategy])).toEqual([
      ['2026-10-13T16:00:00', 'same_day_other_time'],
      ['2026-10-13T11:00:00', 'same_day_other_time'],
      ['2026-10-14T14:30:00', 'next_workday_same_time'],
    ]);
    expect(s.calcom.bookings.filter((b) => b.status === 'accepted')).toHaveLength(1);
  });

  it("when one tenant's Cal.com key is refused, then its intent fails with the reason and the next tenant's intent on the same partition is booked", async () => {
    const validTokens = ['cal_live_good', 'cal_live_revoked'];
    const s = await scenario({ validTokens, partitions: 1 });
    const [revoked, healthy, unconfigured] = [randomUUID(), randomUUID(), randomUUID()];
    await s.connect(revoked, 'cal_live_revoked');
    await s.connect(healthy);
    validTokens.splice(1, 1); // the business revoked the key in Cal.com
    const a = makeIntent(revoked, WISH);
    const b = makeIntent(healthy, '2026-10-13T13:30:00Z');
    const c = makeIntent(unconfigured, '2026-10-13T14:30:00Z');
    for (const intent of [a, b, c]) await s.sender.send(intent);
    await waitFor('three outcomes', () => [a, b, c].every((i) => s.outcomes.of(i.callId).length === 1));
    await s.stop();
    expect(s.outcomes.of(a.callId)[0]).toMatchObject({ type: 'booking.failed.v1', reason: 'calcom_unauthorized' });
    expect(JSON.stringify(s.outcomes.of(a.callId))).not.toContain('cal_live_revoked');
    expect(s.outcomes.of(b.callId)[0]).toMatchObject({ type: 'booking.confirmed.v1' });
    expect(s.outcomes.of(c.callId)[0]).toMatchObject({ type: 'booking.failed.v1', reason: 'calcom_not_configured' });
  });

  it('when the outcome can never be recorded after Cal.com booked, then the booking is cancelled there (compensation) and the intent dead-lettered', async () => {
    const s = await scenario({ env: { MAX_ATTEMPTS: '2' } });
    const company = randomUUID();
    await s.connect(company);
    const intent = makeIntent(company, WISH);
    // a local failure that no retry cures, only for this intent's confirmation
    const fn = uniqueName('refuse').replace(/\W/g, '_');
    await db.dataSource.query(`CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN
        IF NEW.status = 'confirmed' AND NEW.call_id = '${intent.callId}' THEN RAISE EXCEPTION 'disk says no'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.dataSource.query(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON booking_requests FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    try {
      await s.sender.send(intent);
      await waitFor('the compensation', () => s.outcomes.of(intent.callId).length === 1);
      await waitFor('the dead letter', async () => (await messageCount(deadLetterTopic(s.topics.intents))) === 1);
      const text = await s.metrics();
      expect(metric(text, /^kafka_consumer_messages_total\{.*outcome="compensated"/)).toBe(1);
    } finally {
      await db.dataSource.query(`DROP TRIGGER ${fn} ON booking_requests`);
      await s.stop();
    }
    const booked = s.calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey);
    // the second attempt found the first one's booking instead of making another, then undid it
    expect(booked.map((b) => b.status)).toEqual(['cancelled']);
    expect(s.outcomes.of(intent.callId)).toEqual([
      expect.objectContaining({ type: 'booking.cancelled.v1', uid: booked[0]!.uid, cause: 'compensation' }),
    ]);
    const [row] = await db.dataSource.query('SELECT status FROM booking_requests WHERE call_id = $1', [intent.callId]);
    expect(row.status).toBe('compensated');
  });

  describe('the admin API', () => {
    it('when a credential is set, then it is checked with Cal.com first, never echoed, and a refused one keeps the old', async () => {
      const s = await scenario();
      const company = randomUUID();
      const put = (body: unknown, token?: string) =>
        admin(s.service.port, 'PUT', `/companies/${company}/calcom-account`, body, token);
      expect(
        (await put({ baseUrl: s.calcom.url, kind: 'api_key', token: 'cal_live_good' }, 'wrong-token')).status,
      ).toBe(401);
      const notUrl = await put({ baseUrl: 'not a url', kind: 'api_key', token: 'cal_live_good' });
      expect(notUrl).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      const invalid = await put({ baseUrl: 'http://cal.example.com', kind: 'api_key', token: 'cal_live_good' });
      expect(invalid).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(JSON.stringify(invalid.body)).toMatch(/https/);
      const ok = await put({ baseUrl: s.calcom.url, kind: 'api_key', token: 'cal_live_good' });
      expect(ok).toMatchObject({ status: 200, body: { companyId: company, kind: 'api_key', keyId: 'k1' } });
      expect(JSON.stringify(ok.body)).not.toContain('cal_live_good');
      const refused = await put({ baseUrl: s.calcom.url, kind: 'api_key', token: 'cal_live_wrong' });
      expect(refused).toMatchObject({ status: 422, body: { error: 'credential_rejected', reason: 'unauthorized' } });
      // the old credential still books
      const intent = makeIntent(company, WISH);
      await s.sender.send(intent);
      await waitFor('the outcome', () => s.outcomes.of(intent.callId).length === 1);
      expect(s.outcomes.of(intent.callId)[0]).toMatchObject({ type: 'booking.confirmed.v1' });
      const [row] = await db.dataSource.query('SELECT sealed_credential FROM calcom_accounts WHERE company_id = $1', [
        company,
      ]);
      expect(row.sealed_credential).not.toContain('cal_live_good');
    });

    it('when a business moves and then cancels a booking, then Cal.com changes and booking.rescheduled.v1 and booking.cancelled.v1 go out', async () => {
      const s = await scenario();
      const company = randomUUID();
      await s.connect(company);
      const intent = makeIntent(company, WISH);
      await s.sender.send(intent);
      await waitFor('the booking', () => s.outcomes.of(intent.callId).length === 1);
      const uid = (s.outcomes.of(intent.callId)[0] as { booking: { uid: string } }).booking.uid;
      const port = s.service.port;

      expect(await admin(port, 'POST', '/bookings/unknown_uid/cancel', { reason: 'x', cause: 'caller' })).toMatchObject(
        {
          status: 404,
        },
      );
      expect(
        await admin(port, 'POST', `/bookings/${uid}/reschedule`, { startUtc: 'tomorrow', reason: 'x' }),
      ).toMatchObject({
        status: 400,
      });
      const moved = await admin(port, 'POST', `/bookings/${uid}/reschedule`, {
        startUtc: '2026-10-14T12:30:00Z',
        reason: 'caller asked by phone',
      });
      expect(moved).toMatchObject({ status: 200, body: { type: 'booking.rescheduled.v1', fromUid: uid } });
      const newUid = (moved.body as { booking: { uid: string } }).booking.uid;
      expect(newUid).not.toBe(uid);
      expect(await admin(port, 'POST', `/bookings/${uid}/cancel`, { reason: 'x', cause: 'caller' })).toMatchObject({
        status: 404,
      });
      const cancelled = await admin(port, 'POST', `/bookings/${newUid}/cancel`, { reason: 'ill', cause: 'caller' });
      expect(cancelled).toMatchObject({
        status: 200,
        body: { type: 'booking.cancelled.v1', uid: newUid, cause: 'caller' },
      });
      expect(
        await admin(port, 'POST', `/bookings/${newUid}/cancel`, { reason: 'again', cause: 'caller' }),
      ).toMatchObject({
        status: 409,
      });
      await waitFor('three outcomes', () => s.outcomes.of(intent.callId).length === 3);
      expect(s.outcomes.of(intent.callId).map((o) => o.type)).toEqual([
        'booking.confirmed.v1',
        'booking.rescheduled.v1',
        'booking.cancelled.v1',
      ]);
      expect(s.calcom.bookings.map((b) => b.status)).toEqual(['cancelled', 'cancelled']);
      expect(s.outcomes.of(intent.callId)[1]).toMatchObject({
        booking: { uid: newUid, start: { local: '2026-10-14T14:30:00', timeZone: 'Europe/Berlin' } },
      });
    });

    it('when a change went through in Cal.com but was not recorded here, then the retry records what Cal.com shows instead of failing', async () => {
      const s = await scenario();
      const company = randomUUID();
      await s.connect(company);
      const [first, second, third] = [
        makeIntent(company, WISH),
        makeIntent(company, '2026-10-15T12:30:00Z'),
        makeIntent(company, '2026-10-20T12:30:00Z'),
      ];
      for (const intent of [first, second, third]) await s.sender.send(intent);
      await waitFor('three bookings', () => [first, second, third].every((i) => s.outcomes.of(i.callId).length === 1));
      const uidOf = (callId: string) => (s.outcomes.of(callId)[0] as { booking: { uid: string } }).booking.uid;
      // earlier attempts reached Cal.com, then our commit failed: Cal.com moved one and cancelled the other
      const direct = (path: string, body: unknown) =>
        fetch(`${s.calcom.url}${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer cal_live_good', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      await direct(`/v2/bookings/${uidOf(first.callId)}/cancel`, { cancellationReason: 'x' });
      await direct(`/v2/bookings/${uidOf(second.callId)}/reschedule`, { start: '2026-10-16T12:30:00Z' });
      await direct(`/v2/bookings/${uidOf(third.callId)}/reschedule`, { start: '2026-10-21T12:30:00Z' });
      const port = s.service.port;
      const cancelled = await admin(port, 'POST', `/bookings/${uidOf(first.callId)}/cancel`, {
        reason: 'ill',
        cause: 'caller',
      });
      expect(cancelled).toMatchObject({ status: 200, body: { type: 'booking.cancelled.v1' } });
      const moved = await admin(port, 'POST', `/bookings/${uidOf(second.callId)}/reschedule`, {
        startUtc: '2026-10-16T12:30:00Z',
        reason: 'asked',
      });
      const newUid = s.calcom.bookings.find((b) => b.status === 'accepted' && b.start.startsWith('2026-10-16'))!.uid;
      expect(moved).toMatchObject({ status: 200, body: { type: 'booking.rescheduled.v1', booking: { uid: newUid } } });
      // a cancel of a booking an unrecorded change moved elsewhere: the move is recorded, the cancel refused
      const movedAway = await admin(port, 'POST', `/bookings/${uidOf(third.callId)}/cancel`, {
        reason: 'x',
        cause: 'caller',
      });
      expect(movedAway).toMatchObject({ status: 409, body: { error: 'booking_moved' } });
      await waitFor('the recorded move', () => s.outcomes.of(third.callId).length === 2);
      expect(s.outcomes.of(third.callId)[1]).toMatchObject({
        type: 'booking.rescheduled.v1',
        booking: { start: { local: '2026-10-21T14:30:00' } },
      });
      // two at once: the row lock lets one through, the other finds it no longer confirmed
      const both = await Promise.all([
        admin(port, 'POST', `/bookings/${newUid}/cancel`, { reason: 'a', cause: 'business' }),
        admin(port, 'POST', `/bookings/${newUid}/cancel`, { reason: 'b', cause: 'business' }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      await waitFor('all outcomes', () => s.outcomes.of(second.callId).length === 3);
      expect(s.outcomes.of(second.callId).map((o) => o.type)).toEqual([
        'booking.confirmed.v1',
        'booking.rescheduled.v1',
        'booking.cancelled.v1',
      ]);
    });
  });
});
