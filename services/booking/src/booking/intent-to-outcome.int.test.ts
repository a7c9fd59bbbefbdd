import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConsumedMessage } from '@rb/kafka-runner';
import { typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { testRedisUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { CREDENTIAL_KEYS, makeIntent } from '../../test/booking-harness';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { setCalcomAccount } from '../accounts/calcom-accounts';
import { AccountGateways } from '../calcom/account-gateways';
import { CredentialCipher, Secret } from '../credentials/credential-cipher';
import { withAfterCommit } from '../infra/after-commit';
import { MIGRATIONS } from '../infra/db/migrations';
import { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { makeBookingIntents } from './booking-intents';

/**
 * Integration: booking's PostgreSQL, Redis and the stateful fake Cal.com; the intents handler in
 * transactions opened as the service opens them (`withAfterCommit`), without Kafka.
 */
describe("an intent's time to its outcome", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
  const redis = new Redis(testRedisUrl());
  // the service's "now": 2.4 s after the intents below occurred
  const OCCURRED = '2026-10-01T08:00:00.000Z';
  const NOW = new Date('2026-10-01T08:00:02.400Z');
  beforeAll(async () => {
    db = await createTestDatabase('booking_latency', MIGRATIONS);
    calcom = await startStatefulCalcom({ uidPrefix: `${uniqueName('u')}_` });
  });
  afterAll(async () => {
    await calcom.stop();
    await db.drop();
    redis.disconnect();
  });

  async function handling(wishUtc: string) {
    const cipher = CredentialCipher.fromConfig(CREDENTIAL_KEYS);
    const plain = typeormTransactions(db.dataSource);
    const company = randomUUID();
    await plain((sql) =>
      setCalcomAccount(
        sql,
        { companyId: company, baseUrl: calcom.url, kind: 'api_key', token: new Secret('cal_test') },
        { cipher, verify: async () => undefined },
      ),
    );
    const observed: { type: string; seconds: number }[] = [];
    const handler = makeBookingIntents({
      db: typeormAutocommit(db.dataSource),
      callerKey: undefined,
      transactions: plain,
      cipher,
      gateways: new AccountGateways({ policy: {} }),
      cache: new RedisAvailabilityCache({ redis, ttlSeconds: 30, keyPrefix: `${uniqueName('it:slots')}:` }),
      encode: (_topic, value) => Buffer.from(JSON.stringify(value)),
      source: '/test',
      clock: () => NOW,
      searchWindowDays: 7,
      alternativesCount: 3,
      onIntentSettled: (type, seconds) => observed.push({ type, seconds }),
    });
    const intent = makeIntent(company, wishUtc);
    const delivery = (eventId: string) => {
      const message: ConsumedMessage = {
        topic: 't',
        partition: 0,
        offset: '0',
        key: intent.callId,
        value: null,
        headers: { ce_id: eventId },
        timestamp: Date.parse(OCCURRED),
      };
      const event = {
        kind: 'intent' as const,
        intent,
        envelope: { id: eventId, type: intent.type, source: '/t', time: OCCURRED },
      };
      return { message, event };
    };
    /** prepare, as the runner does before its transaction */
    const prepare = async (eventId: string) => {
      const { message, event } = delivery(eventId);
      return { message, event, prepared: await handler.prepare!(event, message) };
    };
    /** apply in a transaction as the runner does; `rollBack` fails it after apply */
    const commit = (handled: Awaited<ReturnType<typeof prepare>>, rollBack = false) =>
      withAfterCommit(plain)(async (sql) => {
        const emitted = await handler.apply(handled.event, { sql, ...handled });
        if (rollBack) throw new Error('the commit failed');
        return emitted;
      });
    const handle = async (eventId: string, rollBack = false) => commit(await prepare(eventId), rollBack);
    return { prepare, commit, handle, observed };
  }

  it('when an intent is booked, then the seconds from its ce_time to the commit are observed once, with its outcome type; a second handling of the intent adds nothing', async () => {
    const { prepare, commit, handle, observed } = await handling('2026-10-13T12:30:00Z');
    // two handlings prepared before either committed (the booking found by its key the second time)
    const first = await prepare('e1');
    const second = await prepare('e1-re-emitted');
    expect(second.prepared).toMatchObject({ kind: 'outcome' });
    expect(await commit(first)).toHaveLength(1);
    expect(observed).toEqual([{ type: 'booking.confirmed.v1', seconds: 2.4 }]);
    expect(await commit(second)).toHaveLength(0);
    await handle('e1-again');
    expect(observed).toHaveLength(1);
  });

  it("when the outcome's transaction rolls back, then nothing is observed until a handling commits", async () => {
    const { handle, observed } = await handling('2026-10-14T12:30:00Z');
    await expect(handle('e2', true)).rejects.toThrow('the commit failed');
    expect(observed).toEqual([]);
    await handle('e2');
    expect(observed).toEqual([{ type: 'booking.confirmed.v1', seconds: 2.4 }]);
  });
});
