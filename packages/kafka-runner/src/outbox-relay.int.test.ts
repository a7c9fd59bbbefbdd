import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createTopic, readAll, testBrokers, testKafka, uniqueName, withAdmin } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import { startDelayProxy } from '../../../test/support/tcp-proxy';
import {
  appendOutbox,
  CreateMessagingTables1764000000000,
  OutboxDeadLettersAndLease1766000000000,
  OutboxRelay,
  typeormTransactions,
} from './index';

/** Integration: the real broker and PostgreSQL. */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('outbox_relay', [
    CreateMessagingTables1764000000000,
    OutboxDeadLettersAndLease1766000000000,
  ]);
});
afterAll(() => db.drop());

const event = (topic: string, n: number) => ({
  topic,
  key: `call_${n % 2}`,
  value: Buffer.from(`event ${n} – ü`),
  headers: { ce_id: `call_${n % 2}:e${n}`, ce_type: 'test.happened' },
});

describe('the outbox relay', () => {
  it('when events were written in a transaction, then they are published in order with key, value and headers, once', async () => {
    const topic = uniqueName('it.outbox');
    await createTopic(topic);
    const transactions = typeormTransactions(db.dataSource);
    await transactions((sql) =>
      appendOutbox(
        sql,
        [0, 1, 2, 3, 4].map((n) => event(topic, n)),
      ),
    );
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 42 });
    await relay.start();
    await relay.stop(); // stop drains what is pending

    const messages = await readAll(topic);
    expect(messages.map((m) => [m.key?.toString(), m.value?.toString(), m.headers?.ce_id?.toString()])).toEqual(
      [0, 1, 2, 3, 4].map((n) => [`call_${n % 2}`, `event ${n} – ü`, `call_${n % 2}:e${n}`]),
    );
    expect(await relay.pending()).toBe(0);
  });

  it('when another replica holds the outbox lock, then this relay publishes nothing until it is released', async () => {
    const topic = uniqueName('it.outbox');
    await createTopic(topic);
    const transactions = typeormTransactions(db.dataSource);
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT pg_advisory_xact_lock(43)'); // the other replica
    await transactions((sql) => appendOutbox(sql, [event(topic, 7)]));
    const relay = new OutboxRelay({
      kafka: testKafka(),
      transactions,
      lockId: 43,
      pollIntervalMs: 50,
      pendingEveryMs: 50,
    });
    const counted: number[] = [];
    relay.on('pending', (n: number) => counted.push(n));
    await relay.start();
    try {
      expect(await relay.publishBatch()).toBe(0);
      expect(await relay.pending()).toBe(1);
      // the rows still to publish are reported on their own (for the outbox_pending_events gauge)
      const until = Date.now() + 5_000;
      while (!counted.includes(1) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(counted).toContain(1);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    const deadline = Date.now() + 20_000;
    while ((await relay.pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await relay.stop();
    expect((await readAll(topic)).map((m) => m.headers?.ce_id?.toString())).toEqual(['call_1:e7']);
  });
});

describe('statements through typeormTransactions', () => {
  it('when an UPDATE … RETURNING runs, then its rows come back like a SELECT', async () => {
    const transactions = typeormTransactions(db.dataSource);
    const topic = uniqueName('it.outbox');
    await transactions((sql) => appendOutbox(sql, [event(topic, 1)]));
    const rows = await transactions((sql) =>
      sql.query<{ key: string }>('UPDATE outbox SET published_at = now() WHERE topic = $1 RETURNING key', [topic]),
    );
    expect(rows).toEqual([{ key: 'call_1' }]);
  });

  it('when a nudge comes while a batch finds nothing, then the row committed meanwhile is published without waiting for the next poll', async () => {
    const topic = uniqueName('it.outbox');
    await createTopic(topic);
    const inner = typeormTransactions(db.dataSource);
    const started: { relay?: OutboxRelay } = {};
    let injected = false;
    // the first empty read of the outbox: while its transaction is open, another commits a row and nudges
    const transactions: typeof inner = (work) =>
      inner(async (sql) => {
        const result = await work(sql);
        const empty = result === 0 || (Array.isArray(result) && result.length === 0);
        if (!injected && empty && started.relay) {
          injected = true;
          await inner((other) => appendOutbox(other, [event(topic, 9)]));
          started.relay.nudge();
        }
        return result;
      });
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 44, pollIntervalMs: 60_000 });
    started.relay = relay;
    await relay.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!injected || ((await relay.pending()) > 0 && Date.now() < deadline))
        await new Promise((r) => setTimeout(r, 20));
      // far sooner than the 60 s poll
      expect(await relay.pending()).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});

/** A topic whose record batches may be at most `maxBytes` (the broker refuses larger ones as MESSAGE_TOO_LARGE). */
async function createSmallTopic(maxBytes: number): Promise<string> {
  const topic = uniqueName('it.outbox-small');
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(maxBytes) }] }],
    }),
  );
  return topic;
}

const sized = (topic: string, n: number, bytes: number) => ({
  topic,
  key: `call_${n}`,
  // random bytes do not compress, so the size on the wire is the size here
  value: randomBytes(bytes),
  headers: { ce_id: `call_${n}:e${n}`, ce_type: 'test.happened' },
});

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the outbox relay and the broker's size limit", () => {
  it("when the pending rows together exceed the topic's limit, then they go in several produce requests and all are published in order", async () => {
    const topic = await createSmallTopic(20_000);
    const transactions = typeormTransactions(db.dataSource);
    await transactions((sql) =>
      appendOutbox(
        sql,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => sized(topic, n, 5_000)),
      ),
    );
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 51, maxRequestBytes: 16_000 });
    await relay.start();
    await relay.stop();
    expect((await readAll(topic)).map((m) => m.headers?.ce_id?.toString())).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `call_${n}:e${n}`),
    );
    expect(await relay.pending()).toBe(0);
  });

  it('when one row is too large for the topic even alone, then it becomes a dead letter with its reason and the rows behind it are published', async () => {
    const topic = await createSmallTopic(20_000);
    const transactions = typeormTransactions(db.dataSource);
    await transactions((sql) =>
      appendOutbox(sql, [sized(topic, 1, 100), sized(topic, 2, 40_000), sized(topic, 3, 100), sized(topic, 4, 100)]),
    );
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 52, pollIntervalMs: 50 });
    const deadLetters: unknown[] = [];
    relay.on('deadLettered', (d: unknown) => deadLetters.push(d));
    await relay.start();
    try {
      await waitFor(async () => (await relay.pending()) === 0, 'the outbox to drain');
      // later rows still flow with the same relay (no producer stuck on an old sequence number)
      await transactions((sql) => appendOutbox(sql, [sized(topic, 5, 100)]));
      relay.nudge();
      await waitFor(async () => (await relay.pending()) === 0, 'the later row');
    } finally {
      await relay.stop();
    }
    expect((await readAll(topic)).map((m) => m.headers?.ce_id?.toString())).toEqual([
      'call_1:e1',
      'call_3:e3',
      'call_4:e4',
      'call_5:e5',
    ]);
    expect(deadLetters).toEqual([{ topic, reason: 'too_large' }]);
    const [row] = await db.dataSource.query(
      `SELECT key, dead_letter_reason, published_at FROM outbox WHERE topic = $1 AND dead_lettered_at IS NOT NULL`,
      [topic],
    );
    expect(row).toMatchObject({ key: 'call_2', published_at: null });
    expect(row.dead_letter_reason).toMatch(/^too_large: .*larger than the max message size/);
  });

  it('when rows wait unpublished, then the age of the oldest one is reported and the relay says it is stalled', async () => {
    const topic = uniqueName('it.outbox-waiting');
    const transactions = typeormTransactions(db.dataSource);
    // another replica holds the publishing lease and publishes nothing (a hung process, say)
    await db.dataSource.query(
      `INSERT INTO outbox_relay_lease (lock_id, owner, expires_at) VALUES (53, 'hung-replica', now() + interval '1 hour')`,
    );
    await transactions((sql) => appendOutbox(sql, [event(topic, 1)]));
    await db.dataSource.query(`UPDATE outbox SET created_at = now() - interval '5 minutes' WHERE topic = $1`, [topic]);
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 53, pendingEveryMs: 50 });
    const ages: number[] = [];
    relay.on('oldestPendingAge', (s: number) => ages.push(s));
    expect(relay.stalled()).toBe(false);
    await relay.start();
    try {
      await waitFor(() => ages.length > 0, 'a backlog measurement');
      expect(ages[0]).toBeGreaterThanOrEqual(299);
      expect(relay.stalled()).toBe(true);
    } finally {
      await db.dataSource.query('DELETE FROM outbox WHERE topic = $1', [topic]);
      await db.dataSource.query('DELETE FROM outbox_relay_lease WHERE lock_id = 53');
      await relay.backlog();
      expect(relay.stalled()).toBe(false);
      await relay.stop();
    }
  });
});

describe('the outbox relay lease', () => {
  it('when another replica takes the lease in the middle of a batch (it expired during slow sends), then this relay sends none of the batch’s remaining requests', async () => {
    const topic = uniqueName('it.outbox-lease');
    await createTopic(topic);
    const inner = typeormTransactions(db.dataSource);
    await inner((sql) =>
      appendOutbox(
        sql,
        [0, 1, 2, 3, 4, 5].map((n) => sized(topic, n, 3_000)),
      ),
    );
    let stolen = false;
    // after the first request is marked published, the other replica takes over the expired lease
    const transactions: typeof inner = (work) =>
      inner(async (sql) => {
        const result = await work({
          query: async (text, parameters) => {
            const rows = await sql.query(text, parameters);
            if (!stolen && text.startsWith('UPDATE outbox SET published_at')) {
              stolen = true;
              await sql.query(
                `UPDATE outbox_relay_lease SET owner = 'replica-b', expires_at = now() + interval '1 hour' WHERE lock_id = 55`,
              );
            }
            return rows as never;
          },
        });
        return result;
      });
    // three requests of two rows each
    const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 55, maxRequestBytes: 7_000 });
    try {
      await relay.start();
      await waitFor(() => stolen, 'the first request');
      await relay.stop();
      expect((await readAll(topic)).map((m) => m.headers?.ce_id?.toString())).toEqual(['call_0:e0', 'call_1:e1']);
      expect(await relay.pending()).toBe(4);
    } finally {
      await db.dataSource.query('DELETE FROM outbox WHERE topic = $1', [topic]);
      await db.dataSource.query('DELETE FROM outbox_relay_lease WHERE lock_id = 55');
    }
  });
});

describe('the outbox relay when the broker answers late', () => {
  it('when replies arrive after the request timeout, then no transaction or row lock is held while waiting, and the outbox drains once the broker is quick again', async () => {
    const proxy = await startDelayProxy(testBrokers()[0]!);
    const topic = uniqueName('it.outbox-slow');
    await createTopic(topic);
    const kafka = new Kafka({
      clientId: 'slow-relay',
      brokers: [`127.0.0.1:${proxy.port}`],
      socketFactory: proxy.socketFactory,
      requestTimeout: 1_000,
      retry: { retries: 1, initialRetryTime: 100 },
      logLevel: logLevel.NOTHING,
    });
    const transactions = typeormTransactions(db.dataSource);
    const relay = new OutboxRelay({ kafka, transactions, lockId: 54, sendTimeoutMs: 1_500, pollIntervalMs: 50 });
    let failures = 0;
    relay.on('publishFailed', () => failures++);
    await relay.start();
    try {
      proxy.setReplyDelay(2_500);
      await transactions((sql) =>
        appendOutbox(
          sql,
          [0, 1, 2, 3, 4].map((n) => event(topic, n)),
        ),
      );
      relay.nudge();
      const idleInTransaction = async () =>
        Number(
          (
            await db.dataSource.query(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
               AND state LIKE 'idle in transaction%' AND state_change < now() - interval '500 milliseconds'`,
            )
          )[0].n,
        );
      while (failures < 2) {
        expect(await idleInTransaction()).toBe(0);
        // another writer can lock the rows the relay is trying to publish
        await transactions((sql) => sql.query('SELECT id FROM outbox WHERE topic = $1 FOR UPDATE NOWAIT', [topic]));
        await new Promise((r) => setTimeout(r, 100));
      }
      proxy.setReplyDelay(0);
      await waitFor(async () => (await relay.pending()) === 0, 'the outbox to drain', 30_000);
    } finally {
      await relay.stop();
      await proxy.close();
    }
    // a produce the broker stored but whose answer came too late is sent again: at least once, in order
    const ids = (await readAll(topic)).map((m) => m.headers?.ce_id?.toString());
    expect([...new Set(ids)]).toEqual([0, 1, 2, 3, 4].map((n) => `call_${n % 2}:e${n}`));
  });
});
