import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BookingIntentRequestedV1 } from '@rb/contracts';
import { frameJson, toKafkaHeaders } from '@rb/contracts';
import type { ConsumedMessage, Sql } from '@rb/kafka-runner';
import {
  appendOutbox,
  claimInbox,
  inConsumerSpan,
  messageLogFields,
  typeormAutocommit,
  typeormTransactions,
} from '@rb/kafka-runner';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { CREDENTIAL_KEYS, makeIntent, waitFor } from '../../test/booking-harness';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { setCalcomAccount } from '../accounts/calcom-accounts';
import { AccountGateways } from '../calcom/account-gateways';
import type { Fetch } from '../calcom/calcom-client';
import { CredentialCipher, Secret } from '../credentials/credential-cipher';
import { MIGRATIONS } from '../infra/db/migrations';
import { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { makeBookingIntents } from './booking-intents';
import type { RedriveOutcome } from './redrive-parked';
import { ParkedRedriver } from './redrive-parked';

/**
 * Integration: booking's PostgreSQL, Redis and the stateful fake Cal.com; the intents handler fed
 * as the consumer runner feeds it (prepare, then one transaction with the inbox claim), and the
 * re-driver of a second "process" (another lease owner, fresh breakers) after a restart.
 */
jest.setTimeout(30_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const redis = new Redis(testRedisUrl());
beforeAll(async () => {
  db = await createTestDatabase('booking_redrive', MIGRATIONS);
});
afterAll(async () => {
  await db.drop();
  redis.disconnect();
});

const GROUP = 'booking-test';
const clock = () => new Date('2026-10-01T08:00:00Z');

/** one booking process's intents handler (its own lease owner and breakers) over `fetch` */
function processWith(fetch: Fetch) {
  const transactions = typeormTransactions(db.dataSource);
  const handler = makeBookingIntents({
    db: typeormAutocommit(db.dataSource),
    callerKey: undefined,
    transactions,
    cipher: CredentialCipher.fromConfig(CREDENTIAL_KEYS),
    gateways: new AccountGateways({ policy: { breakAfter: 2, halfOpenAfterMs: 500, timeoutMs: 1_000 }, fetch }),
    cache: new RedisAvailabilityCache({ redis, ttlSeconds: 30, keyPrefix: `${uniqueName('it:slots')}:` }),
    encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
    source: '/test',
    clock,
    searchWindowDays: 7,
    alternativesCount: 3,
    lease: { owner: `it-${randomUUID()}`, seconds: 30 },
  });
  /** what the consumer runner does with one message: prepare, then claim and apply in one transaction */
  const consume = async (message: ConsumedMessage) => {
    const { eventId, event } = handler.decode(message);
    const prepared = await handler.prepare!(event, message);
    await transactions(async (sql) => {
      if (await claimInbox(sql, GROUP, eventId))
        await appendOutbox(sql, await handler.apply(event, { sql, prepared, message }));
    });
    return prepared;
  };
  return { handler, transactions, consume };
}

let offset = 0;
function messageOf(intent: BookingIntentRequestedV1, eventId: string): ConsumedMessage {
  return {
    topic: 'it.booking-intents',
    partition: 0,
    offset: String(offset++),
    key: intent.callId,
    value: frameJson(1, Buffer.from(JSON.stringify(intent))),
    headers: toKafkaHeaders({ id: eventId, type: intent.type, source: '/t', time: new Date().toISOString() }),
    timestamp: Date.now(),
  };
}

const down: Fetch = async () =>
  new Response(JSON.stringify({ status: 'error', error: { code: 'ServiceUnavailable', message: 'down' } }), {
    status: 503,
    headers: { 'content-type': 'application/json' },
  });

it("when intents were parked while a company's Cal.com was down and the service restarts, then the new process re-drives them: each call's events in order, one booking per intent, outcomes in the outbox, nothing left parked", async () => {
  const calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('u')}_`, openCalendar: true });
  try {
    const company = randomUUID();
    const before = processWith(down);
    await before.transactions((sql) =>
      setCalcomAccount(
        sql,
        { companyId: company, baseUrl: calcom.url, kind: 'api_key', token: new Secret('cal_test') },
        { cipher: CredentialCipher.fromConfig(CREDENTIAL_KEYS), verify: async () => undefined },
      ),
    );
    const first = makeIntent(company, '2026-10-13T08:00:00Z');
    const other = makeIntent(company, '2026-10-13T10:00:00Z');
    const messages = [
      messageOf(first, `${first.callId}:intent`),
      messageOf(other, `${other.callId}:intent`),
      // the first call's intent again under another event id: it must not overtake the first
      messageOf(first, `${first.callId}:re-emitted`),
    ];
    const prepared = [];
    for (const message of messages) prepared.push(await before.consume(message));
    // a redelivery of a parked message (its offset was not committed) is not parked twice
    await before.consume(messages[0]!);
    const reasons = prepared.map((p) => (p.kind === 'park' ? p.reason : p.kind));
    expect(reasons).toEqual([expect.stringMatching(/server_error|circuit_open/), 'circuit_open', 'behind_parked']);
    const parked = async () => Number((await db.dataSource.query('SELECT count(*) AS n FROM parked_intents'))[0].n);
    expect(await parked()).toBe(3);
    expect(calcom.bookings).toHaveLength(0);

    // restart: another process (another lease owner, fresh breakers) whose Cal.com answers
    const after = processWith(fetch);
    const outcomes: RedriveOutcome[] = [];
    const redriver = new ParkedRedriver({
      handler: after.handler,
      db: typeormAutocommit(db.dataSource),
      transactions: after.transactions,
      consumer: GROUP,
      intervalMs: 100,
      claimSeconds: 30,
      maxAttempts: 3,
      onRedrive: (report) => outcomes.push(report.outcome),
    });
    redriver.start();
    try {
      await waitFor('nothing parked', async () => (await parked()) === 0);
    } finally {
      await redriver.stop();
    }
    expect(outcomes.sort()).toEqual(['already_settled', 'settled', 'settled']);
    for (const intent of [first, other]) {
      expect(calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey)).toHaveLength(1);
    }
    const emitted: { key: string; headers: Record<string, string> }[] = await db.dataSource.query(
      'SELECT key, headers FROM outbox ORDER BY id',
    );
    // the first call's outcome was caused by its first event, not by the re-emission parked behind it
    expect(emitted.map((e) => [e.key, e.headers.ce_type, e.headers.causationid])).toEqual(
      expect.arrayContaining([
        [first.callId, 'booking.confirmed.v1', `${first.callId}:intent`],
        [other.callId, 'booking.confirmed.v1', `${other.callId}:intent`],
      ]),
    );
    expect(emitted).toHaveLength(2);
    const [row] = await db.dataSource.query('SELECT status FROM booking_requests WHERE idempotency_key = $1', [
      first.idempotencyKey,
    ]);
    expect(row.status).toBe('confirmed');
  } finally {
    await calcom.stop();
  }
});

it('when a parked intent keeps failing its re-drive for another reason than Cal.com, then after maxAttempts the booking it made is cancelled (compensation) and it is dead-lettered through the outbox, with scrubbed headers, its parked row and inbox claim gone', async () => {
  const calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('u')}_`, openCalendar: true });
  const fn = uniqueName('refuse').replace(/\W/g, '_');
  try {
    const { intent, eventId } = await parkedIntent(calcom.url, '2026-10-14T09:00:00Z');
    // a local failure no retry cures, only for this intent's confirmation (its text quotes a person)
    await db.dataSource.query(`CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN
        IF NEW.status = 'confirmed' AND NEW.call_id = '${intent.callId}' THEN
          RAISE EXCEPTION 'refused for sabine.kruger@example.com'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.dataSource.query(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON booking_requests FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    const { redriver, outcomes } = quickRedriver(3);
    redriver.start();
    try {
      await waitFor('the dead letter', () => outcomes.includes('dead_lettered'));
    } finally {
      await redriver.stop();
    }
    expect(outcomes).toEqual(['retried', 'retried', 'dead_lettered']);
    const booked = calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey);
    expect(booked.map((b) => b.status)).toEqual(['cancelled']);
    const rows: { topic: string; key: string; headers: Record<string, string> }[] = await db.dataSource.query(
      'SELECT topic, key, headers FROM outbox WHERE key = $1 ORDER BY id',
      [intent.callId],
    );
    expect(rows.map((r) => [r.topic, r.headers.ce_type])).toEqual([
      ['booking.outcomes.v1', 'booking.cancelled.v1'],
      ['it.booking-intents.dlq', intent.type],
    ]);
    const dlq = rows[1]!.headers;
    expect(dlq).toMatchObject({
      ce_id: eventId,
      dlq_attempts: '3',
      dlq_consumer: GROUP,
      dlq_original_topic: 'it.booking-intents',
    });
    expect(dlq.dlq_error_message).toContain('[email]');
    expect(JSON.stringify(dlq)).not.toContain('sabine');
    expect(await db.dataSource.query('SELECT 1 FROM parked_intents WHERE call_id = $1', [intent.callId])).toHaveLength(
      0,
    );
    expect(
      await db.dataSource.query('SELECT 1 FROM processed_messages WHERE consumer = $1 AND event_id = $2', [
        GROUP,
        eventId,
      ]),
    ).toHaveLength(0);
  } finally {
    await db.dataSource.query(`DROP TRIGGER IF EXISTS ${fn} ON booking_requests`);
    await calcom.stop();
  }
});

it('when the database is away while a parked intent is re-driven, then the intent waits and books once it is back: no attempt is spent, nothing is cancelled or dead-lettered', async () => {
  const calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('u')}_`, openCalendar: true });
  const fn = uniqueName('away').replace(/\W/g, '_');
  try {
    const { intent } = await parkedIntent(calcom.url, '2026-10-15T09:00:00Z');
    // the first two records of its confirmation meet a connection-class failure (08006), then it is back
    await db.dataSource.query(`CREATE SEQUENCE ${fn}_n`);
    await db.dataSource.query(`CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN
        IF NEW.status = 'confirmed' AND NEW.call_id = '${intent.callId}' AND nextval('${fn}_n') <= 2 THEN
          RAISE EXCEPTION 'connection failure' USING ERRCODE = '08006'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.dataSource.query(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON booking_requests FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    const { redriver, outcomes } = quickRedriver(2);
    redriver.start();
    try {
      await waitFor('the booking', () => outcomes.includes('settled') || outcomes.includes('dead_lettered'), 40_000);
    } finally {
      await redriver.stop();
    }
    expect(outcomes).toEqual(['still_unavailable', 'still_unavailable', 'settled']);
    const booked = calcom.bookings.filter((b) => b.metadata.idempotencyKey === intent.idempotencyKey);
    expect(booked.map((b) => b.status)).toEqual(['accepted']);
  } finally {
    await db.dataSource.query(`DROP TRIGGER IF EXISTS ${fn} ON booking_requests`);
    await calcom.stop();
  }
});

/** The re-driver's own database, each statement recorded with the message's ids in hand when it ran. */
function recordedDb() {
  const autocommit = typeormAutocommit(db.dataSource);
  const statements: { text: string; inHand: Record<string, string> | undefined }[] = [];
  const sql: Sql = {
    query: (text, parameters) => {
      statements.push({ text, inHand: messageLogFields() });
      return autocommit.query(text, parameters);
    },
  };
  const redriver = new ParkedRedriver({
    handler: processWith(fetch).handler,
    db: sql,
    transactions: typeormTransactions(db.dataSource),
    consumer: GROUP,
    intervalMs: 60_000,
    claimSeconds: 30,
    maxAttempts: 3,
  });
  return { redriver, statements };
}

it('when nothing is parked, then the re-driver looks once and waits for its interval instead of asking the database again and again', async () => {
  expect(await db.dataSource.query('SELECT 1 FROM parked_intents')).toHaveLength(0);
  const { redriver, statements } = recordedDb();
  redriver.start();
  try {
    await waitFor('the first round', () => statements.length >= 2);
    // a window for the loop to spin in, were it to
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await redriver.stop();
  }
  // the round's claim, and the look at when the next one is due
  expect(statements).toHaveLength(2);
});

it('when the re-driver is woken while a message is handled (its intent parked, its Cal.com recovered), then its rounds run outside that message: nothing they do carries its ids', async () => {
  const { redriver, statements } = recordedDb();
  redriver.start();
  try {
    await waitFor('the first round', () => statements.length >= 2);
    /** `wake` while an intent is handled, then wait for the statements it leads to */
    const whileHandled = async (wake: (intent: BookingIntentRequestedV1) => unknown, leadsTo: number) => {
      const before = statements.length;
      const intent = makeIntent(randomUUID(), '2026-10-16T09:00:00Z');
      await inConsumerSpan(messageOf(intent, `${intent.callId}:intent`), GROUP, async () => {
        expect(messageLogFields()).toMatchObject({ ce_id: `${intent.callId}:intent` });
        await wake(intent);
      });
      await waitFor('the round woken', () => statements.length >= before + leadsTo);
    };
    // the account's intents made due, the round's claim, the next due time
    await whileHandled((intent) => redriver.accountRecovered(intent.attribution.companyId), 3);
    // an intent parked: the round its due time wakes (claim, next due time)
    await whileHandled(() => redriver.wakeIn(1), 2);
  } finally {
    await redriver.stop();
  }
  expect(statements.map((s) => s.inHand)).toEqual(statements.map(() => undefined));
});

/** A company with an account in `calcomUrl`, and one of its intents parked while its Cal.com was down. */
async function parkedIntent(calcomUrl: string, start: string) {
  const company = randomUUID();
  const before = processWith(down);
  await before.transactions((sql) =>
    setCalcomAccount(
      sql,
      { companyId: company, baseUrl: calcomUrl, kind: 'api_key', token: new Secret('cal_test') },
      { cipher: CredentialCipher.fromConfig(CREDENTIAL_KEYS), verify: async () => undefined },
    ),
  );
  const intent = makeIntent(company, start);
  const eventId = `${intent.callId}:intent`;
  expect(await before.consume(messageOf(intent, eventId))).toMatchObject({ kind: 'park' });
  return { intent, eventId };
}

/** A redriver with Cal.com back, quick timers, and the outcomes it reports. */
function quickRedriver(maxAttempts: number) {
  const after = processWith(fetch);
  const outcomes: RedriveOutcome[] = [];
  const redriver = new ParkedRedriver({
    handler: after.handler,
    db: typeormAutocommit(db.dataSource),
    transactions: after.transactions,
    consumer: GROUP,
    intervalMs: 50,
    claimSeconds: 30,
    maxAttempts,
    backoff: { initialMs: 10, maxMs: 20 },
    onRedrive: (report) => outcomes.push(report.outcome),
  });
  return { redriver, outcomes };
}
