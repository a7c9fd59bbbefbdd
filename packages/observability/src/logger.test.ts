import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { withSpan } from './spans';
import type { InMemoryTracing } from './tracing';
import { startInMemoryTracing } from './tracing';

describe('logger', () => {
  it('when an object with phone numbers, a transcript and a signature is logged by mistake, then they are redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        call: {
          call_id: 'call_1',
          from_number: '+4917612345678',
          to_number: '+4922198765430',
          transcript: 'Mein Name ist Sabine',
        },
        headers: { 'x-retell-signature': 'v=1,d=abc' },
      },
      'oops',
    );
    const line = lines.join('');
    expect(line).toContain('call_1');
    for (const secret of ['+4917612345678', '+4922198765430', 'Sabine', 'v=1,d=abc'])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'test', msg: 'oops' });
  });
});

describe('logger: the context of each line', () => {
  const capture = (fields?: () => Record<string, string> | undefined) => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()),
    });
    return { lines, log: createLogger({ service: 'test', destination, ...(fields ? { fields } : {}) }) };
  };

  it('when tracing is off, then lines carry no trace ids', async () => {
    const { lines, log } = capture();
    await withSpan({ name: 'work' }, async () => log.info('inside'));
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;
    beforeEach(() => {
      tracing = startInMemoryTracing('test');
    });
    afterEach(() => tracing.shutdown());

    it('when a line is written while a span is active, then it carries that span’s trace_id and span_id, and a line outside none', async () => {
      const { lines, log } = capture();
      await withSpan({ name: 'outer' }, async () => {
        log.info('in outer');
        await withSpan({ name: 'inner' }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          log.child({ callId: 'call_1' }).warn('in inner, after a timer, through a child logger');
        });
      });
      log.info('outside');
      const span = (name: string) =>
        tracing
          .spans()
          .find((s) => s.name === name)!
          .spanContext();
      expect(lines[0]).toMatchObject({
        msg: 'in outer',
        trace_id: span('outer').traceId,
        span_id: span('outer').spanId,
      });
      expect(lines[1]).toMatchObject({
        callId: 'call_1',
        trace_id: span('outer').traceId,
        span_id: span('inner').spanId,
      });
      expect(lines[2]).not.toHaveProperty('trace_id');
    });
  });

  it('when fields are given, then each line carries them as they are at that moment, beside its own', () => {
    let now: Record<string, string> | undefined = { ce_id: 'evt_1', correlation_id: 'call_1' };
    const { lines, log } = capture(() => now);
    log.info({ outcome: 'processed' }, 'one');
    now = undefined;
    log.info('two');
    now = { ce_id: 'evt_2', causation_id: 'evt_1' };
    log.info('three');
    expect(lines[0]).toMatchObject({ ce_id: 'evt_1', correlation_id: 'call_1', outcome: 'processed' });
    expect(lines[1]).not.toHaveProperty('ce_id');
    expect(lines[1]).not.toHaveProperty('outcome');
    expect(lines[2]).toMatchObject({ ce_id: 'evt_2', causation_id: 'evt_1' });
    expect(lines[2]).not.toHaveProperty('correlation_id');
  });
});
