import { createTopic, readAll, testKafka, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import { appendOutbox, CreateMessagingTables1764000000000, OutboxRelay, typeormTransactions } from './index';

/** Integration: the real broker and PostgreSQL. */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('outbox_relay', [CreateMessagingTables1764000000000]);
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
    // the first empty batch: while its transaction is open, another commits a row and nudges
    const transactions: typeof inner = (work) =>
      inner(async (sql) => {
        const result = await work(sql);
        if (!injected && result === 0 && started.relay) {
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
