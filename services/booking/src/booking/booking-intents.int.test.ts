import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConsumedMessage } from '@rb/kafka-runner';
import { DependencyUnavailableError, typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { CREDENTIAL_KEYS, makeIntent } from '../../test/booking-harness';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { setCalcomAccount } from '../accounts/calcom-accounts';
import { AccountGateways } from '../calcom/account-gateways';
import { CredentialCipher, Secret } from '../credentials/credential-cipher';
import { MIGRATIONS } from '../infra/db/migrations';
import { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { makeBookingIntents } from './booking-intents';

/** Integration: booking's PostgreSQL, Redis and a slow stateful fake Cal.com; the handler without Kafka. */
describe('one intent handled twice in one process at once', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const redis = new Redis(testRedisUrl());
  beforeAll(async () => {
    db = await createTestDatabase('booking_intents', MIGRATIONS);
  });
  afterAll(async () => {
    await db.drop();
    redis.disconnect();
  });

  it('when a second handler of the same intent starts while the first talks to Cal.com, then it waits, and after the first is recorded it changes nothing', async () => {
    const calcom = await startStatefulCalcom({ latencyMs: 300, uidPrefix: `${uniqueName('u')}_` });
    try {
      const cipher = CredentialCipher.fromConfig(CREDENTIAL_KEYS);
      const transactions = typeormTransactions(db.dataSource);
      const company = randomUUID();
      await transactions((sql) =>
        setCalcomAccount(
          sql,
          { companyId: company, baseUrl: calcom.url, kind: 'api_key', token: new Secret('cal_test') },
          { cipher, verify: async () => undefined },
        ),
      );
      const handler = makeBookingIntents({
        db: typeormAutocommit(db.dataSource),
        callerKey: undefined,
        transactions,
        cipher,
        gateways: new AccountGateways({ policy: {} }),
        cache: new RedisAvailabilityCache({ redis, ttlSeconds: 30, keyPrefix: `${uniqueName('it:slots')}:` }),
        encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
        source: '/test',
        clock: () => new Date('2026-10-01T08:00:00Z'),
        searchWindowDays: 7,
        alternativesCount: 3,
      });
      const intent = makeIntent(company, '2026-10-13T12:30:00Z');
      const message = (eventId: string): ConsumedMessage => ({
        topic: 't',
        partition: 0,
        offset: '0',
        key: intent.callId,
        value: null,
        headers: { ce_id: eventId },
        timestamp: Date.now(),
      });
      const event = {
        kind: 'intent' as const,
        intent,
        envelope: { id: 'e1', type: intent.type, source: '/t', time: new Date().toISOString() },
      };
      const first = handler.prepare!(event, message('e1'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(handler.prepare!(event, message('e2'))).rejects.toBeInstanceOf(DependencyUnavailableError);
      const prepared = await first;
      expect(prepared).toMatchObject({ kind: 'outcome', outcome: { type: 'booking.confirmed.v1' } });
      await transactions((sql) => handler.apply(event, { sql, prepared, message: message('e1') }));
      // the second handler's turn: the intent is settled, nothing more is asked of Cal.com
      const calls = calcom.calls.length;
      expect(await handler.prepare!(event, message('e2'))).toEqual({ kind: 'nothing' });
      expect(calcom.calls).toHaveLength(calls);
      expect(calcom.bookings).toHaveLength(1);
    } finally {
      await calcom.stop();
    }
  });

  it('when a prepared outcome is never applied (its transaction failed before, or the inbox called it a duplicate), then the next handling of the intent is not held up: it finds the booking, and Cal.com has one', async () => {
    const calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('u')}_` });
    try {
      const { handler, company } = await handlerFor(calcom.url);
      const intent = makeIntent(company, '2026-10-14T12:30:00Z');
      const event = {
        kind: 'intent' as const,
        intent,
        envelope: { id: 'e1', type: intent.type, source: '/t', time: new Date().toISOString() },
      };
      const message: ConsumedMessage = {
        topic: 't',
        partition: 0,
        offset: '0',
        key: intent.callId,
        value: null,
        headers: { ce_id: 'e1' },
        timestamp: Date.now(),
      };
      const first = await handler.prepare!(event, message);
      expect(first).toMatchObject({ kind: 'outcome', outcome: { type: 'booking.confirmed.v1' } });
      // no apply: the runner's transaction never got that far; its next attempt comes at once
      const again = await handler.prepare!(event, message);
      expect(again).toMatchObject({ kind: 'outcome', outcome: { type: 'booking.confirmed.v1' } });
      const uid = (p: typeof first) => (p.kind === 'outcome' && 'booking' in p.outcome ? p.outcome.booking.uid : '');
      expect(uid(again)).toBe(uid(first));
      expect(calcom.bookings).toHaveLength(1);
      // both are applied after all (two handlings of one intent): only the first to commit is emitted
      const transactions = typeormTransactions(db.dataSource);
      const emitted = [
        ...(await transactions((sql) => handler.apply(event, { sql, prepared: first, message }))),
        ...(await transactions((sql) => handler.apply(event, { sql, prepared: again, message }))),
      ];
      expect(emitted).toHaveLength(1);
    } finally {
      await calcom.stop();
    }
  });

  async function handlerFor(calcomUrl: string) {
    const cipher = CredentialCipher.fromConfig(CREDENTIAL_KEYS);
    const transactions = typeormTransactions(db.dataSource);
    const company = randomUUID();
    await transactions((sql) =>
      setCalcomAccount(
        sql,
        { companyId: company, baseUrl: calcomUrl, kind: 'api_key', token: new Secret('cal_test') },
        { cipher, verify: async () => undefined },
      ),
    );
    const handler = makeBookingIntents({
      db: typeormAutocommit(db.dataSource),
      callerKey: undefined,
      transactions,
      cipher,
      gateways: new AccountGateways({ policy: {} }),
      cache: new RedisAvailabilityCache({ redis, ttlSeconds: 30, keyPrefix: `${uniqueName('it:slots')}:` }),
      encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
      source: '/test',
      clock: () => new Date('2026-10-01T08:00:00Z'),
      searchWindowDays: 7,
      alternativesCount: 3,
    });
    return { handler, company };
  }
});
