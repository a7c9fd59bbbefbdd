import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { InMemoryTracing, ReadableSpan } from '@rb/observability';
import { createLogger, startInMemoryTracing, withSpan } from '@rb/observability';
import { newTraceparent } from '@rb/contracts';
import { createTopic, readAll, testKafka, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import type { MessageHandler, OutcomeReport } from './index';
import {
  buildOutboxEvent,
  ConsumerRunner,
  CreateMessagingTables1764000000000,
  deadLetterTopic,
  decodeEnvelope,
  DependencyUnavailableError,
  eventHeaders,
  messageLogFields,
  OutboxDeadLettersAndLease1766000000000,
  OutboxRelay,
  PoisonMessageError,
  replayDeadLetters,
  typeormTransactions,
} from './index';

/**
 * Integration (real broker and PostgreSQL), with the spans in memory: a consumed message's
 * CONSUMER span continues the message's trace, its transaction is a span beneath it, what it
 * emits names it, and the log lines written meanwhile carry its ids.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tracing: InMemoryTracing;
beforeAll(async () => {
  db = await createTestDatabase('runner_spans', [
    CreateMessagingTables1764000000000,
    OutboxDeadLettersAndLease1766000000000,
  ]);
  tracing = startInMemoryTracing('kafka-runner-test');
});
afterAll(async () => {
  await tracing.shutdown();
  await db.drop();
});

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 30_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const idsOf = (traceparent: string) => {
  const [, traceId, spanId] = traceparent.split('-');
  return { traceId: traceId!, spanId: spanId! };
};
const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
const childrenOf = (span: ReadableSpan) =>
  tracing.spans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);

/**
 * A handler that emits one event per message to `out` (through the message edge), logging as it
 * goes; `test.poison` is refused as poison, `test.poison-once` only the first time (a fixed bug),
 * `test.waits-once` pauses its partition the first time (a dependency it waits for).
 */
function forwarding(out: string, log: ReturnType<typeof createLogger>, chunked = false): MessageHandler<string> {
  const refusedOnce = new Set<string>();
  const emit = (message: Parameters<MessageHandler<string>['apply']>[1]['message']) => {
    const envelope = decodeEnvelope(message);
    log.info('forwarding');
    return buildOutboxEvent(
      { topic: out, key: message.key ?? '' },
      {
        id: `${envelope.id}:forwarded`,
        type: 'test.forwarded',
        source: 'test',
        time: new Date().toISOString(),
        correlationId: envelope.correlationId!,
        cause: { id: envelope.id, traceparent: envelope.traceparent },
      },
      () => Buffer.from('{}'),
    );
  };
  return {
    decode: (message) => {
      const { ce_type: type, ce_id: id } = message.headers;
      if (type === 'test.poison' || (type === 'test.poison-once' && !refusedOnce.has(id!) && refusedOnce.add(id!)))
        throw new PoisonMessageError('CONTRACT_VIOLATION', 'for the test');
      if (type === 'test.waits-once' && !refusedOnce.has(id!) && refusedOnce.add(id!))
        throw new DependencyUnavailableError('CLAIMS_SETTLING', 'for the test', 50);
      return { eventId: message.headers.ce_id!, eventType: message.headers.ce_type!, event: '' };
    },
    apply: async (_event, { message }) => [emit(message)],
    ...(chunked ? { applyChunk: async (items) => items.map(({ message }) => [emit(message)]) } : {}),
  };
}

async function scenario(maxChunkSize = 1) {
  const topic = uniqueName('it.spans');
  const out = uniqueName('it.spans-out');
  await Promise.all([createTopic(topic), createTopic(out), createTopic(deadLetterTopic(topic))]);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    service: 'test',
    fields: messageLogFields,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const reports: OutcomeReport[] = [];
  const transactions = typeormTransactions(db.dataSource);
  const runner = new ConsumerRunner({
    kafka: testKafka(),
    groupId: uniqueName('it.spans-group'),
    topics: [topic],
    fromBeginning: true,
    maxChunkSize,
    transactions,
    handler: forwarding(out, log, maxChunkSize > 1),
    onOutcome: (report) => {
      reports.push(report);
      log.info({ outcome: report.outcome }, 'outcome');
    },
  });
  const producer = testKafka().producer();
  await producer.connect();
  /** one message per id, each with its own new trace, in one produce (one fetched batch) */
  const send = async (ids: string[], type = 'test.happened') => {
    const traceparents = ids.map(() => newTraceparent());
    await producer.send({
      topic,
      messages: ids.map((id, i) => ({
        key: 'call_1',
        value: '{}',
        headers: eventHeaders({
          id,
          type,
          source: 'test',
          time: new Date().toISOString(),
          correlationId: 'call_1',
          cause: { id: `${id}:cause` },
          traceparent: traceparents[i]!,
        }),
      })),
    });
    return traceparents;
  };
  const outbox = async () =>
    (await db.dataSource.query('SELECT headers FROM outbox WHERE topic = $1 ORDER BY id', [out])) as {
      headers: Record<string, string>;
    }[];
  return {
    topic,
    out,
    runner,
    send,
    lines,
    reports,
    outbox,
    transactions,
    stop: async () => {
      await runner.stop();
      await producer.disconnect();
    },
  };
}

describe('spans of the consumer runner', () => {
  it('when a message is handled, then its CONSUMER span continues the message’s trace, its transaction is a span beneath it, the event it emits names it, and its log lines carry its ids', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    const [sent] = await s.send([id]);
    await s.runner.start();
    await waitFor('the message processed', () => s.reports.some((r) => r.outcome === 'processed'));
    await s.stop();

    const consumer = tracing.spans().find((span) => span.name === `process ${s.topic}`)!;
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(idsOf(sent!).traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(idsOf(sent!).spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': s.topic,
      'messaging.message.id': id,
      'messaging.message.conversation_id': 'call_1',
      'cloudevents.event_type': 'test.happened',
      'rb.outcome': 'processed',
    });
    const [transaction] = childrenOf(consumer);
    expect(transaction).toMatchObject({ name: 'transaction postgresql', kind: SpanKind.CLIENT });
    // the inbox claim and the outbox insert
    expect(transaction!.attributes['db.transaction.statements']).toBe(2);

    const [row] = await s.outbox();
    expect(row!.headers).toMatchObject({ causationid: id, traceparent: traceparentOf(consumer) });

    const ids = { ce_id: id, ce_type: 'test.happened', correlation_id: 'call_1', causation_id: `${id}:cause` };
    const traced = { trace_id: consumer.spanContext().traceId, span_id: consumer.spanContext().spanId };
    expect(s.lines.find((l) => l.msg === 'forwarding')).toMatchObject({ ...ids, ...traced });
    expect(s.lines.find((l) => l.msg === 'outcome')).toMatchObject({ ...ids, ...traced, outcome: 'processed' });

    // the relay's send: a PRODUCER span linked to the span the row came from, its transactions beneath it
    const relay = new OutboxRelay({ kafka: testKafka(), transactions: s.transactions, lockId: 4711 });
    await relay.start();
    await relay.stop();
    expect((await readAll(s.out)).map((m) => m.headers?.traceparent?.toString())).toEqual([traceparentOf(consumer)]);
    const send = tracing
      .spans()
      .find(
        (span) => span.name === 'send' && span.links.some((l) => l.context.spanId === consumer.spanContext().spanId),
      )!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.attributes['messaging.batch.message_count']).toBe(1);
    expect(childrenOf(send).map((span) => span.name)).toContain('transaction postgresql');
  });

  it('when several messages share a chunk’s transaction, then each emitted event still names the span of the message it follows', async () => {
    const s = await scenario(10);
    const ids = [uniqueName('evt'), uniqueName('evt'), uniqueName('evt')];
    const sent = await s.send(ids);
    await s.runner.start();
    await waitFor('three processed', () => s.reports.filter((r) => r.outcome === 'processed').length === 3);
    await s.stop();

    const consumers = tracing.spans().filter((span) => span.name === `process ${s.topic}`);
    expect(consumers).toHaveLength(3);
    const rows = await s.outbox();
    for (const [i, id] of ids.entries()) {
      const consumer = consumers.find((span) => span.attributes['messaging.message.id'] === id)!;
      expect(consumer.spanContext().traceId).toBe(idsOf(sent[i]!).traceId);
      expect(consumer.parentSpanContext?.spanId).toBe(idsOf(sent[i]!).spanId);
      expect(rows.find((r) => r.headers.causationid === id)!.headers.traceparent).toBe(traceparentOf(consumer));
      // the outcome's log line names its own message
      expect(s.lines.find((l) => l.msg === 'outcome' && l.ce_id === id)).toMatchObject({
        trace_id: consumer.spanContext().traceId,
        span_id: consumer.spanContext().spanId,
      });
    }
    // one transaction for the chunk (beneath its first message's span)
    const transactions = consumers.flatMap((consumer) => childrenOf(consumer));
    expect(transactions.map((span) => span.name)).toEqual(['transaction postgresql']);
  });

  it('when two messages are handled at once on two partitions, then each one’s log lines, trace ids and emitted event name its own message, never the other’s', async () => {
    const topic = uniqueName('it.spans-two');
    const out = uniqueName('it.spans-two-out');
    await Promise.all([createTopic(topic, 2), createTopic(out)]);
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      service: 'test',
      fields: messageLogFields,
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    // each message waits in its prepare until the other has arrived too: both are in hand at once
    const arrived: string[] = [];
    let bothIn!: () => void;
    const together = new Promise<'together'>((resolve) => (bothIn = () => resolve('together')));
    const alone = new Promise<'alone'>((resolve) => setTimeout(() => resolve('alone'), 15_000).unref());
    const met: string[] = [];
    const reports: OutcomeReport[] = [];
    const runner = new ConsumerRunner({
      kafka: testKafka(),
      groupId: uniqueName('it.spans-two-group'),
      topics: [topic],
      fromBeginning: true,
      partitionsConsumedConcurrently: 2,
      transactions: typeormTransactions(db.dataSource),
      handler: {
        ...forwarding(out, log),
        prepare: async (_event, message) => {
          log.info('arrived');
          if (arrived.push(message.headers.ce_id!) === 2) bothIn();
          met.push(await Promise.race([together, alone]));
          log.info('goes on');
        },
      },
      onOutcome: (report) => void reports.push(report),
    });
    const producer = testKafka().producer();
    await producer.connect();
    const ids = [uniqueName('evt'), uniqueName('evt')];
    const sent = ids.map(() => newTraceparent());
    await producer.send({
      topic,
      messages: ids.map((id, partition) => ({
        partition,
        key: `call_${partition}`,
        value: '{}',
        headers: eventHeaders({
          id,
          type: 'test.happened',
          source: 'test',
          time: new Date().toISOString(),
          correlationId: `call_${partition}`,
          traceparent: sent[partition]!,
        }),
      })),
    });
    await runner.start();
    await waitFor('both processed', () => reports.filter((r) => r.outcome === 'processed').length === 2);
    await runner.stop();
    await producer.disconnect();

    expect(met).toEqual(['together', 'together']);
    const rows = (await db.dataSource.query('SELECT headers FROM outbox WHERE topic = $1', [out])) as {
      headers: Record<string, string>;
    }[];
    for (const [i, id] of ids.entries()) {
      const consumer = tracing
        .spans()
        .find((span) => span.name === `process ${topic}` && span.attributes['messaging.message.id'] === id)!;
      expect(consumer.spanContext().traceId).toBe(idsOf(sent[i]!).traceId);
      const own = {
        ce_id: id,
        correlation_id: `call_${i}`,
        trace_id: consumer.spanContext().traceId,
        span_id: consumer.spanContext().spanId,
      };
      const mine = lines.filter((line) => line.ce_id === id);
      expect(mine.map((line) => line.msg)).toEqual(['arrived', 'goes on', 'forwarding']);
      for (const line of mine) expect(line).toMatchObject(own);
      expect(rows.find((r) => r.headers.causationid === id)!.headers.traceparent).toBe(traceparentOf(consumer));
    }
    // every line was written while one of the two was in hand
    expect(lines.filter((line) => !ids.includes(line.ce_id as string))).toEqual([]);
  });

  it('when a message is dead-lettered, then its span is an error with the error’s code', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    await s.send([id], 'test.poison');
    await s.runner.start();
    await waitFor('the dead letter', () => s.reports.some((r) => r.outcome === 'dead_lettered'));
    await s.stop();
    const consumer = tracing.spans().find((span) => span.name === `process ${s.topic}`)!;
    expect(consumer.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CONTRACT_VIOLATION' });
    expect(consumer.attributes['rb.outcome']).toBe('dead_lettered');
  });

  it('when a message pauses its partition (a dependency it waits for), then its span names the outcome and the code but is no error, and the message read again is processed', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    await s.send([id], 'test.waits-once');
    await s.runner.start();
    await waitFor('the message processed after the pause', () => s.reports.some((r) => r.outcome === 'processed'));
    await s.stop();
    const [paused, processed] = tracing.spans().filter((span) => span.name === `process ${s.topic}`);
    expect(paused!.attributes).toMatchObject({ 'rb.outcome': 'paused', 'error.type': 'CLAIMS_SETTLING' });
    expect(paused!.status.code).toBe(SpanStatusCode.UNSET);
    expect(processed!.attributes['rb.outcome']).toBe('processed');
    expect(processed!.attributes['error.type']).toBeUndefined();
  });

  it('when a traced transaction fails, then its span is an error named by the error’s stable code, or by its class when it has none (as every span says it)', async () => {
    class LedgerLocked extends Error {}
    const transactions = typeormTransactions(db.dataSource);
    const work = await withSpan({ name: 'failing work' }, async (span) => {
      await expect(
        transactions(async (sql) => {
          await sql.query('SELECT 1');
          throw new LedgerLocked('for the test');
        }),
      ).rejects.toThrow(LedgerLocked);
      // PostgreSQL's SQLSTATE for a division by zero
      await expect(transactions((sql) => sql.query('SELECT 1 / 0'))).rejects.toThrow();
      return span;
    });
    const failed = tracing
      .spans()
      .filter((span) => span.parentSpanContext?.spanId === work.spanContext().spanId)
      .map((span) => ({ name: span.name, status: span.status, type: span.attributes['error.type'] }));
    expect(failed).toEqual([
      {
        name: 'transaction postgresql',
        status: { code: SpanStatusCode.ERROR, message: 'LedgerLocked' },
        type: 'LedgerLocked',
      },
      { name: 'transaction postgresql', status: { code: SpanStatusCode.ERROR, message: '22012' }, type: '22012' },
    ]);
  });

  it('when a dead letter is replayed (pnpm dlq:replay), then it is handled in a CONSUMER span of the trace it was first sent in, beside the failed attempt', async () => {
    const s = await scenario();
    const id = uniqueName('evt');
    const [sent] = await s.send([id], 'test.poison-once');
    await s.runner.start();
    await waitFor('the dead letter', () => s.reports.some((r) => r.outcome === 'dead_lettered'));
    expect(await replayDeadLetters(testKafka(), deadLetterTopic(s.topic))).toBe(1);
    await waitFor('the replayed message processed', () => s.reports.some((r) => r.outcome === 'processed'));
    await s.stop();

    const attempts = tracing.spans().filter((span) => span.name === `process ${s.topic}`);
    expect(attempts.map((span) => span.attributes['rb.outcome'])).toEqual(['dead_lettered', 'processed']);
    for (const attempt of attempts) {
      expect(attempt.spanContext().traceId).toBe(idsOf(sent!).traceId);
      expect(attempt.parentSpanContext?.spanId).toBe(idsOf(sent!).spanId);
    }
    const [row] = await s.outbox();
    expect(row!.headers.traceparent).toBe(traceparentOf(attempts[1]!));
  });
});
