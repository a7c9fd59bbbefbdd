import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { BookingClaim, BookingOutcomeV1, CallLifecycleEvent } from '@rb/contracts';
import { CallLifecycleEventSchema, frameJson, registerValueSchema, toKafkaHeaders } from '@rb/contracts';
import type { ConsumedMessage, MessageHandler, OutcomeReport, Sql } from '@rb/kafka-runner';
import { ConsumerRunner, deadLetterTopic, DependencyUnavailableError, typeormTransactions } from '@rb/kafka-runner';
import { createTopic, testKafka, testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { MIGRATIONS } from '../infra/db/migrations';
import type { ClaimsEvent, ClaimsVerdict, CheckClaimsDeps } from './check-claims';
import { makeCheckClaims } from './check-claims';

const ZONE = 'Europe/Berlin';
const THURSDAY_11 = '2026-10-15T09:00:00Z';

/** Integration: the real broker, registry and booking's own PostgreSQL; booking_requests rows written directly. */
describe('the truth check of what the agent claimed (calls.lifecycle.v1 → booking.outcomes.v1)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let tx: ReturnType<typeof typeormTransactions>;
  let topic: string;
  let schemaId: number;
  let producer: Producer;
  let runner: ConsumerRunner<ClaimsEvent, undefined>;
  const outcomesTopic = uniqueName('it.booking-outcomes');
  const reports: OutcomeReport[] = [];
  const verdicts: { callId: string; verdict: ClaimsVerdict }[] = [];
  const company = randomUUID();
  const attribution = { companyId: company, branchId: randomUUID(), phoneNumberId: randomUUID() };

  const deps = (over: Partial<CheckClaimsDeps> = {}): CheckClaimsDeps => ({
    encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
    outcomesTopic,
    source: '/test/booking',
    clock: () => new Date(),
    settleMs: 0,
    retryMs: 200,
    ...over,
  });

  beforeAll(async () => {
    db = await createTestDatabase('booking_claims', MIGRATIONS);
    tx = typeormTransactions(db.dataSource);
    // the branch as the directory announced it: the claimed start's local time is read in its zone
    await tx((sql) =>
      sql.query(
        `INSERT INTO directory_branches (id, company_id, time_zone, working_days, active, changed_at)
         VALUES ($1, $2, $3, '{1,2,3,4,5}', true, now())`,
        [attribution.branchId, attribution.companyId, ZONE],
      ),
    );
    topic = uniqueName('it.calls-lifecycle');
    await Promise.all([createTopic(topic), createTopic(deadLetterTopic(topic))]);
    schemaId = await registerValueSchema(testRegistryUrl(), topic, CallLifecycleEventSchema);
    producer = testKafka().producer();
    await producer.connect();
    // the verdict callback names no call: the call whose event is being applied (one partition, in order)
    let current = '';
    const check = makeCheckClaims(deps({ onVerdict: (verdict) => verdicts.push({ callId: current, verdict }) }));
    const handler: MessageHandler<ClaimsEvent> = {
      decode: (message) => check.decode(message),
      apply: (event, context) => {
        current = event.kind === 'analysed' ? event.analysed.callId : '';
        return check.apply(event, context);
      },
    };
    runner = new ConsumerRunner({
      kafka: testKafka(),
      groupId: uniqueName('it.booking-claims'),
      topics: [topic],
      fromBeginning: true,
      transactions: tx,
      handler,
      onOutcome: (r) => reports.push(r),
      maxWaitTimeInMs: 100,
    });
    await runner.start();
  });
  afterAll(async () => {
    await runner?.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  it('when the agent claims the booking the call made, then no mismatch is emitted and the verdict is held', async () => {
    const callId = newCall();
    await insertBooking({ callId, publicId: 'bk_7Q2M9XK4' });
    await send(analysed(callId, [claim({ source: 'tool_result', bookingId: 'bk_7Q2M9XK4' }), claim()]));
    await until(() => verdictOf(callId) !== undefined);
    expect(verdictOf(callId)).toBe('held');
    expect(await mismatchEvents(callId)).toEqual([]);
  });

  it('when the agent claims a booking that does not exist, then one booking.claim-mismatch.v1 says no_booking', async () => {
    const callId = newCall();
    await send(analysed(callId, [claim()]));
    await until(() => verdictOf(callId) !== undefined);
    expect(verdictOf(callId)).toBe('mismatch');
    const [event, ...more] = await mismatchEvents(callId);
    expect(more).toEqual([]);
    expect(event).toEqual({
      type: 'booking.claim-mismatch.v1',
      callId,
      idempotencyKey: `${callId}:claims`,
      attribution,
      occurredAt: expect.any(String),
      mismatches: [
        {
          source: 'agent_sentence',
          kind: 'booked',
          problem: 'no_booking',
          claimedStart: { utc: THURSDAY_11, local: '2026-10-15T11:00:00', timeZone: ZONE },
          language: 'de',
          at: 'agent:10',
        },
      ],
      claimCount: 1,
    });
  });

  it('when the agent says another time than the call booked, then the mismatch is other_time with the booking that exists', async () => {
    const callId = newCall();
    await insertBooking({ callId, publicId: 'bk_4TN8QW2R', startUtc: '2026-10-15T08:00:00Z' });
    await send(
      analysed(callId, [
        claim({
          source: 'tool_result',
          bookingId: 'bk_4TN8QW2R',
          start: { utc: '2026-10-15T08:00:00Z', precision: 'minute' },
        }),
        claim({ language: 'en' }),
      ]),
    );
    await until(() => verdictOf(callId) !== undefined);
    const [event] = await mismatchEvents(callId);
    expect(event).toMatchObject({
      claimCount: 2,
      mismatches: [
        {
          problem: 'other_time',
          language: 'en',
          actual: { bookingId: 'bk_4TN8QW2R', start: { utc: '2026-10-15T08:00:00Z' }, serviceName: 'Damenhaarschnitt' },
        },
      ],
    });
  });

  it("when the agent claims it moved an older call's booking, then that booking is found by its handle and the claim holds", async () => {
    const callId = newCall();
    await insertBooking({ callId: newCall(), publicId: 'bk_3HV8N2QD', startUtc: '2026-10-16T14:00:00Z' });
    const moved = { utc: '2026-10-16T14:00:00Z', precision: 'minute' as const };
    await send(
      analysed(callId, [claim({ source: 'tool_result', kind: 'rescheduled', bookingId: 'bk_3HV8N2QD', start: moved })]),
    );
    await until(() => verdictOf(callId) !== undefined);
    expect(verdictOf(callId)).toBe('held');
  });

  it('when the analysis is delivered again, under the same and under another event id, then there is still one mismatch event', async () => {
    const callId = newCall();
    const event = analysed(callId, [claim()]);
    await send(event);
    await send(event);
    await send(event, `${callId}:call.analysed.v1:again`);
    await drain();
    expect(reports.filter((r) => r.outcome === 'duplicate').length).toBeGreaterThanOrEqual(1);
    expect(await mismatchEvents(callId)).toHaveLength(1);
    expect(verdicts.filter((v) => v.callId === callId)).toEqual([{ callId, verdict: 'mismatch' }]);
  });

  it('when the claimed booking is still being made (pending, lease running), then the check waits and judges it once it is confirmed', async () => {
    const callId = newCall();
    await insertBooking({ callId, publicId: 'bk_5RM7P1ZC', status: 'pending', leased: true });
    const paused = () => reports.filter((r) => r.outcome === 'paused').length;
    const before = paused();
    await send(analysed(callId, [claim({ source: 'tool_result', bookingId: 'bk_5RM7P1ZC' })]));
    await until(() => paused() > before);
    expect(verdictOf(callId)).toBeUndefined();
    await tx((sql) =>
      sql.query(
        `UPDATE booking_requests SET status = 'confirmed', lease_owner = NULL, leased_until = NULL WHERE public_id = $1`,
        ['bk_5RM7P1ZC'],
      ),
    );
    await until(() => verdictOf(callId) !== undefined);
    expect(verdictOf(callId)).toBe('held');
    expect(await mismatchEvents(callId)).toEqual([]);
  });

  it('when the claimed booking is parked (pending, lease released), then that claim is not judged: no mismatch, verdict held', async () => {
    const callId = newCall();
    await insertBooking({ callId, publicId: 'bk_6PQ2W8XA', status: 'pending', leased: false });
    await send(analysed(callId, [claim({ source: 'tool_result', bookingId: 'bk_6PQ2W8XA' })]));
    await until(() => verdictOf(callId) !== undefined);
    expect(verdictOf(callId)).toBe('held');
    expect(await mismatchEvents(callId)).toEqual([]);
  });

  describe('the handler on its own (no broker)', () => {
    const message = (timestamp: number): ConsumedMessage => ({
      topic: 't',
      partition: 0,
      offset: '0',
      key: null,
      value: null,
      headers: {},
      timestamp,
    });
    const envelope = { id: 'e1', type: 'call.analysed.v1', source: '/t', time: new Date().toISOString() };
    const apply = (handler: ReturnType<typeof makeCheckClaims>, event: ClaimsEvent, at = 0) =>
      tx((sql: Sql) => handler.apply(event, { sql, prepared: undefined, message: message(at) }));

    it('when a mismatch is found while the analysis is younger than settleMs, then it is looked at again shortly, and emitted once old enough', async () => {
      const now = Date.parse('2026-10-13T09:10:00Z');
      const handler = makeCheckClaims(deps({ settleMs: 10_000, clock: () => new Date(now) }));
      const event = { kind: 'analysed' as const, analysed: analysed(newCall(), [claim()]), envelope };
      await expect(apply(handler, event, now - 3_000)).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(await apply(handler, event, now - 10_000)).toHaveLength(1);
    });

    it('when the event is not call.analysed.v1, has no claims field, or no tenant, then nothing is judged or counted', async () => {
      const seen: ClaimsVerdict[] = [];
      const handler = makeCheckClaims(deps({ onVerdict: (v) => seen.push(v) }));
      const { claims: _none, ...old } = analysed(newCall(), [claim()]);
      void _none;
      const decoded = (value: CallLifecycleEvent) =>
        handler.decode({
          ...message(0),
          value: frameJson(schemaId, Buffer.from(JSON.stringify(value))),
          headers: headers(value.callId, `${value.callId}:${value.type}`, value.type),
        }).event;
      expect(decoded(old)).toEqual({ kind: 'other' });
      expect(
        decoded({ type: 'call.unrouted.v1', callId: 'call_x', reason: 'unknown_number', businessNumber: null }),
      ).toEqual({ kind: 'other' });
      const unrouted = { ...analysed(newCall(), [claim()]), attribution: null };
      expect(await apply(handler, { kind: 'analysed', analysed: unrouted, envelope })).toEqual([]);
      expect(seen).toEqual([]);
      expect(await apply(handler, { kind: 'analysed', analysed: analysed(newCall(), []), envelope })).toEqual([]);
      expect(seen).toEqual(['no_claims']);
    });
  });

  // --- helpers ---

  async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Everything sent before is handled: a call claiming nothing is sent behind it (one partition) and judged. */
  async function drain(): Promise<void> {
    const sentinel = newCall();
    await send(analysed(sentinel, []));
    await until(() => verdictOf(sentinel) === 'no_claims');
  }

  function newCall(): string {
    return `call_${randomUUID().replace(/-/g, '').slice(0, 27)}`;
  }

  function claim(over: Partial<BookingClaim> = {}): BookingClaim {
    return {
      source: 'agent_sentence',
      kind: 'booked',
      start: { utc: THURSDAY_11, precision: 'minute' },
      language: 'de',
      at: 'agent:10',
      ...over,
    };
  }

  function analysed(callId: string, claims: BookingClaim[]) {
    return {
      type: 'call.analysed.v1' as const,
      callId,
      attribution,
      successful: true,
      sentiment: 'Positive',
      inVoicemail: false,
      outcome: 'handled_during_call' as const,
      retellCost: null,
      claims,
    };
  }

  async function insertBooking(row: {
    callId: string;
    publicId: string;
    startUtc?: string;
    status?: string;
    leased?: boolean;
  }): Promise<void> {
    await tx((sql) =>
      sql.query(
        `INSERT INTO booking_requests (idempotency_key, call_id, company_id, branch_id, phone_number_id, status,
           event_type_id, start_utc, time_zone, source, public_id, service_name, duration_minutes, lease_owner, leased_until)
         VALUES ($1, $2, $3, $4, $5, $6, 412, $7, $8, 'live', $9, 'Damenhaarschnitt', 45,
           CASE WHEN $10 THEN 'booking-other' END, CASE WHEN $10 THEN now() + interval '60 seconds' END)`,
        [
          `live:${row.callId}:book:${row.publicId}`,
          row.callId,
          attribution.companyId,
          attribution.branchId,
          attribution.phoneNumberId,
          row.status ?? 'confirmed',
          row.startUtc ?? THURSDAY_11,
          ZONE,
          row.publicId,
          row.leased ?? false,
        ],
      ),
    );
  }

  function headers(callId: string, id: string, type: string) {
    return Object.fromEntries(
      Object.entries(
        toKafkaHeaders({
          id,
          type,
          source: '/retell-booking/call-processor',
          time: new Date().toISOString(),
          subject: callId,
        }),
      ).map(([k, v]) => [k, String(v)]),
    );
  }

  async function send(event: CallLifecycleEvent, eventId = `${event.callId}:${event.type}`): Promise<void> {
    await producer.send({
      topic,
      messages: [
        {
          key: event.callId,
          value: frameJson(schemaId, Buffer.from(JSON.stringify(event))),
          headers: toKafkaHeaders({
            id: eventId,
            type: event.type,
            source: '/retell-booking/call-processor',
            time: new Date().toISOString(),
            subject: event.callId,
          }),
        },
      ],
    });
  }

  async function mismatchEvents(callId: string): Promise<BookingOutcomeV1[]> {
    const rows = await tx((sql) =>
      sql.query<{ value: Buffer }>('SELECT value FROM outbox WHERE topic = $1 AND key = $2 ORDER BY id', [
        outcomesTopic,
        callId,
      ]),
    );
    return rows.map((r) => JSON.parse(r.value.toString()) as BookingOutcomeV1);
  }

  function verdictOf(callId: string): ClaimsVerdict | undefined {
    return verdicts.find((v) => v.callId === callId)?.verdict;
  }
});
