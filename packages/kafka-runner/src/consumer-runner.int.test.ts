import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTopic, readAll, testKafka, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import type { ConsumedMessage, MessageHandler, OutcomeReport } from './index';
import {
  ConsumerRunner,
  CreateMessagingTables1764000000000,
  deadLetterTopic,
  DependencyUnavailableError,
  PoisonMessageError,
  listDeadLetters,
  replayDeadLetters,
  typeormTransactions,
} from './index';

/** Integration: the real broker and PostgreSQL. */
class CreateEffects1764000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE effects (event_id text NOT NULL, body text NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE effects');
  }
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('kafka_runner', [CreateMessagingTables1764000000000, CreateEffects1764000000001]);
});
afterAll(() => db.drop());

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const count = async (sql: string, params: unknown[]) =>
  Number(((await db.dataSource.query(sql, params)) as { n: string }[])[0]!.n);

/** A handler that records each event as a row and emits one event to `out`. */
function recordingHandler(
  out: string,
  fail: (eventId: string) => Error | undefined = () => undefined,
): MessageHandler<string> {
  return {
    decode(message: ConsumedMessage) {
      const eventId = message.headers.ce_id;
      if (!eventId || !message.value) throw new PoisonMessageError('ENVELOPE_INVALID', 'ce_id header missing');
      return { eventId, eventType: 'test.recorded', event: message.value.toString() };
    },
    async apply(event, { sql, message }) {
      const failure = fail(message.headers.ce_id!);
      if (failure) throw failure;
      await sql.query('INSERT INTO effects (event_id, body) VALUES ($1, $2)', [message.headers.ce_id, event]);
      return [
        {
          topic: out,
          key: message.key ?? '',
          value: Buffer.from(`done:${event}`),
          headers: { ce_id: `${message.headers.ce_id}:done` },
        },
      ];
    },
  };
}

async function scenario(
  fail?: (eventId: string) => Error | undefined,
  maxChunkSize = 1,
  wrap: (handler: MessageHandler<string>) => MessageHandler<string, unknown> = (h) =>
    h as MessageHandler<string, unknown>,
) {
  const topic = uniqueName('it.runner');
  const out = uniqueName('it.runner-out');
  await Promise.all([createTopic(topic), createTopic(out), createTopic(deadLetterTopic(topic))]);
  const reports: OutcomeReport[] = [];
  const groupId = uniqueName('it.group');
  const inner = typeormTransactions(db.dataSource);
  let transactions = 0;
  const runner = new ConsumerRunner({
    kafka: testKafka(),
    groupId,
    topics: [topic],
    fromBeginning: true,
    maxChunkSize,
    transactions: (work) => {
      transactions++;
      return inner(work);
    },
    handler: wrap(recordingHandler(out, fail)),
    maxAttempts: 3,
    backoff: { initialMs: 10, maxMs: 50 },
    onOutcome: (r) => reports.push(r),
  });
  const producer = testKafka().producer();
  await producer.connect();
  const send = (id: string | undefined, body: string) =>
    producer.send({ topic, messages: [{ key: 'call_1', value: body, headers: id ? { ce_id: id } : {} }] });
  const outcomes = (outcome: string) => reports.filter((r) => r.outcome === outcome).length;
  const stop = async () => {
    await runner.stop();
    await producer.disconnect();
  };
  return { topic, out, groupId, runner, send, producer, reports, outcomes, stop, transactions: () => transactions };
}

describe('the consumer runner (inbox + outbox in one transaction)', () => {
  it('when the same event is delivered twice, then its change and its outgoing event happen once', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    await s.send(id, 'a');
    await s.send(id, 'a');
    await s.runner.start();
    await waitFor('both deliveries', () => s.outcomes('processed') + s.outcomes('duplicate') === 2);
    await s.stop();
    expect([s.outcomes('processed'), s.outcomes('duplicate')]).toEqual([1, 1]);
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE topic = $1', [s.out])).toBe(1);
  });

  it('when a crash came after the DB commit but before the offset commit, then the redelivery changes nothing', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    await s.send(id, 'b');
    // what the crashed run left: its transaction committed, its offset not
    await db.dataSource.transaction(async (m) => {
      await m.query('INSERT INTO processed_messages (consumer, event_id) VALUES ($1, $2)', [s.groupId, id]);
      await m.query('INSERT INTO effects (event_id, body) VALUES ($1, $2)', [id, 'b']);
    });
    await s.runner.start();
    await waitFor('the redelivery', () => s.outcomes('duplicate') === 1);
    await s.stop();
    expect(s.outcomes('processed')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE topic = $1', [s.out])).toBe(0);
  });

  it('when a message is poison, then it goes to the DLQ with the error in its headers and the next one is processed', async () => {
    const s = await scenario();
    const good = uniqueName('evt');
    await s.send(undefined, 'no envelope');
    await s.send(good, 'c');
    await s.runner.start();
    await waitFor('the good message', () => s.outcomes('processed') === 1);
    await s.stop();
    const [dead] = await readAll(deadLetterTopic(s.topic));
    expect(dead?.value?.toString()).toBe('no envelope');
    expect(dead?.headers?.dlq_error_code?.toString()).toBe('ENVELOPE_INVALID');
    expect(dead?.headers?.dlq_original_offset?.toString()).toBe('0');
    expect(dead?.headers?.dlq_attempts?.toString()).toBe('1');
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [good])).toBe(1);
  });

  it('when the handler fails twice and then succeeds, then the event is processed once after two retries', async () => {
    let failures = 0;
    const s = await scenario(() => (failures++ < 2 ? new Error('connection reset') : undefined));
    const id = uniqueName('evt');
    await s.send(id, 'd');
    await s.runner.start();
    await waitFor('processing', () => s.outcomes('processed') === 1);
    await s.stop();
    expect(s.outcomes('retried')).toBe(2);
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [id])).toBe(1);
  });

  it('when the handler keeps failing, then the event is dead-lettered after maxAttempts and can be replayed once fixed', async () => {
    let broken = true;
    const s = await scenario(() =>
      broken ? Object.assign(new Error('deadlock detected'), { code: '40P01' }) : undefined,
    );
    const id = uniqueName('evt');
    await s.send(id, 'e');
    await s.runner.start();
    await waitFor('the dead letter', () => s.outcomes('dead_lettered') === 1);
    const [dead] = await readAll(deadLetterTopic(s.topic));
    expect([dead?.headers?.dlq_error_code?.toString(), dead?.headers?.dlq_attempts?.toString()]).toEqual([
      '40P01',
      '3',
    ]);

    // what an operator lists: where it came from and why, from the headers, never the value
    expect(await listDeadLetters(testKafka(), deadLetterTopic(s.topic))).toEqual([
      expect.objectContaining({
        eventId: id,
        originalTopic: s.topic,
        errorCode: '40P01',
        errorMessage: 'deadlock detected',
        attempts: 3,
      }),
    ]);
    expect(JSON.stringify(await listDeadLetters(testKafka(), deadLetterTopic(s.topic)))).not.toContain('"value"');

    broken = false;
    // a filtered replay that matches nothing leaves the dead letter for the next one
    expect(await replayDeadLetters(testKafka(), deadLetterTopic(s.topic), { filter: () => false })).toBe(0);
    expect(await replayDeadLetters(testKafka(), deadLetterTopic(s.topic))).toBe(1);
    await waitFor('the replayed event', () => s.outcomes('processed') === 1);
    await s.stop();
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [id])).toBe(1);
  });

  it('when a dependency is down, then the partition pauses and the event is processed once it is back, without a dead letter', async () => {
    const downUntil = Date.now() + 1_500;
    const s = await scenario(() =>
      Date.now() < downUntil ? new DependencyUnavailableError('CALCOM_UNAVAILABLE', 'breaker open', 200) : undefined,
    );
    const id = uniqueName('evt');
    await s.send(id, 'f');
    await s.runner.start();
    await waitFor('processing after the outage', () => s.outcomes('processed') === 1);
    await s.stop();
    expect(s.outcomes('paused')).toBeGreaterThanOrEqual(1);
    expect(s.outcomes('dead_lettered')).toBe(0);
    expect(s.outcomes('retried')).toBe(0);
  });

  it('when the database refuses connections for a while, then the partition pauses instead of dead-lettering', async () => {
    const downUntil = Date.now() + 1_500;
    const s = await scenario(() =>
      Date.now() < downUntil
        ? Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
        : undefined,
    );
    const id = uniqueName('evt');
    await s.send(id, 'g');
    await s.runner.start();
    await waitFor('processing after the outage', () => s.outcomes('processed') === 1);
    await s.stop();
    expect(s.outcomes('paused')).toBeGreaterThanOrEqual(1);
    expect([s.outcomes('dead_lettered'), s.outcomes('retried')]).toEqual([0, 0]);
  });
});

describe('the consumer runner with chunks of up to 50 messages in one transaction', () => {
  it('when the same event is delivered twice in one chunk, then its change and its outgoing event happen once', async () => {
    const s = await scenario(undefined, 50);
    const id = uniqueName('evt');
    await s.send(id, 'a');
    await s.send(id, 'a');
    await s.runner.start();
    await waitFor('both deliveries', () => s.outcomes('processed') + s.outcomes('duplicate') === 2);
    await s.stop();
    expect([s.outcomes('processed'), s.outcomes('duplicate'), s.transactions()]).toEqual([1, 1, 1]);
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = $1', [id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE topic = $1', [s.out])).toBe(1);
  });

  it('when 300 events wait, one poison and one failing twice, then each is handled once, in order, in far fewer transactions', async () => {
    const poisonAt = 137;
    const ids = Array.from({ length: 300 }, (_, i) => uniqueName(`evt${i}`));
    let failures = 0;
    // fails in its chunk's transaction and once more on its own
    const s = await scenario(
      (eventId) => (eventId === ids[211] && failures++ < 2 ? new Error('serialization failure') : undefined),
      50,
    );
    await s.producer.send({
      topic: s.topic,
      messages: ids.map((id, i) => ({
        key: 'call_1',
        value: `v${i}`,
        headers: i === poisonAt ? {} : { ce_id: id },
      })),
    });
    await s.send(ids[5], 'v5'); // a redelivery of an earlier event
    await s.runner.start();
    await waitFor(
      'every message',
      () => s.outcomes('processed') + s.outcomes('duplicate') + s.outcomes('dead_lettered') === 301,
    );
    await s.stop();
    expect([s.outcomes('processed'), s.outcomes('duplicate'), s.outcomes('dead_lettered')]).toEqual([299, 1, 1]);
    // the failing event's chunk was rolled back and handled one by one: one retry, then done
    expect(s.outcomes('retried')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM effects WHERE event_id = ANY($1)', [ids])).toBe(299);
    // in partition order: the outbox holds the outgoing events as the input came
    const outgoing = (await db.dataSource.query('SELECT value FROM outbox WHERE topic = $1 ORDER BY id', [s.out])) as {
      value: Buffer;
    }[];
    const expectedOrder = ids.map((_, i) => `done:v${i}`).filter((_, i) => i !== poisonAt);
    expect(outgoing.map((r) => r.value.toString())).toEqual(expectedOrder);
    // 301 messages: a transaction per chunk, plus one per message of the two chunks that failed
    expect(s.transactions()).toBeLessThan(301 / 2);
    const [dead] = await readAll(deadLetterTopic(s.topic));
    expect(dead?.value?.toString()).toBe(`v${poisonAt}`);
  });

  describe('when a prepared side effect cannot be committed', () => {
    /** prepare "books" remotely (a numbered effect); compensate records what it undid */
    const withRemoteEffect =
      (log: string[], compensateFails = false) =>
      (inner: MessageHandler<string>): MessageHandler<string, unknown> => {
        let made = 0;
        return {
          ...inner,
          prepare: async () => {
            made++;
            log.push(`made:${made}`);
            return made;
          },
          apply: (event, context) => inner.apply(event, { ...context, prepared: undefined }),
          compensate: async (event, prepared, cause) => {
            if (compensateFails) throw new Error('remote refused the undo');
            log.push(`undone:${String(prepared)}:${event}:${cause.code}`);
          },
        };
      };

    it('then after the last attempt the last prepared effect is compensated, and the message dead-lettered', async () => {
      const log: string[] = [];
      const s = await scenario(
        () => Object.assign(new Error('constraint broke'), { code: '23514' }),
        1,
        withRemoteEffect(log),
      );
      await s.send(uniqueName('evt'), 'x');
      await s.runner.start();
      await waitFor('the dead letter', () => s.outcomes('dead_lettered') === 1);
      await s.stop();
      // three attempts made three effects (a real handler reconciles them into one); the last is undone
      expect(log).toEqual(['made:1', 'made:2', 'made:3', 'undone:3:x:23514']);
      expect([s.outcomes('compensated'), s.outcomes('compensation_failed')]).toEqual([1, 0]);
      const letters = await readAll(deadLetterTopic(s.topic));
      expect(letters).toHaveLength(1);
    });

    it('then a failed compensation is reported and the message still goes to the DLQ', async () => {
      const log: string[] = [];
      const s = await scenario(
        () => new PoisonMessageError('BROKEN', 'cannot be stored'),
        1,
        withRemoteEffect(log, true),
      );
      await s.send(uniqueName('evt'), 'y');
      await s.runner.start();
      await waitFor('the dead letter', () => s.outcomes('dead_lettered') === 1);
      await s.stop();
      expect(log).toEqual(['made:1']);
      expect([s.outcomes('compensated'), s.outcomes('compensation_failed')]).toEqual([0, 1]);
    });

    it('then a failure before prepare finished compensates nothing', async () => {
      const log: string[] = [];
      const s = await scenario(undefined, 1, (inner) => ({
        ...withRemoteEffect(log)(inner),
        prepare: async () => {
          throw new PoisonMessageError('UNBOOKABLE', 'refused remotely');
        },
      }));
      await s.send(uniqueName('evt'), 'z');
      await s.runner.start();
      await waitFor('the dead letter', () => s.outcomes('dead_lettered') === 1);
      await s.stop();
      expect(log).toEqual([]);
      expect(s.outcomes('compensated')).toBe(0);
    });
  });
});
