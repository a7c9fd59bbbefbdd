import type { InMemoryTracing } from '@rb/observability';
import { activeTraceIds, createLogger, startInMemoryTracing, withSpan } from '@rb/observability';
import { detached, logFieldsOf, messageLogFields, runDetached, withInHand } from './message-context';

/**
 * What runs later keeps the context of the code that armed it (AsyncLocalStorage): a loop armed
 * inside a handler must drop the message's span and ids, whoever armed it.
 */
let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing('message-context-test');
});
afterAll(() => tracing.shutdown());

const MESSAGE = { headers: { ce_id: 'evt_1', ce_type: 'test.happened', correlationid: 'call_1' } };

/** what code sees of the message and the span it runs in */
const seen = () => ({ fields: messageLogFields(), ids: activeTraceIds() });

/** `work` as a handler runs: the message's span active and its ids in hand */
const inHandler = <T>(work: () => T) =>
  withSpan({ name: 'process it.topic' }, async () =>
    withInHand({ logFields: logFieldsOf(MESSAGE), traceparents: new Map() }, work),
  );

/** what the callback of a timer armed now sees when it fires */
const whenFired = (arm: (callback: () => void) => void) =>
  new Promise<ReturnType<typeof seen>>((resolve) => arm(() => resolve(seen())));

describe('running outside the message in hand', () => {
  it('when a timer is armed while a message is handled, then its callback sees the message; bound with detached, it sees none', async () => {
    const [plain, bound] = await inHandler(() =>
      Promise.all([
        whenFired((callback) => setTimeout(callback, 5)),
        whenFired((callback) => setTimeout(detached(callback), 5)),
      ]),
    );
    // why loops need it: the message ended long before
    expect(plain.fields).toEqual({ ce_id: 'evt_1', ce_type: 'test.happened', correlation_id: 'call_1' });
    expect(plain.ids).toBeDefined();
    expect(bound).toEqual({ fields: undefined, ids: undefined });
  });

  it('when work runs detached inside a handler, then it and the promises it starts see no message, no span, and its log lines name neither', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      service: 'test',
      fields: messageLogFields,
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const [inside, later] = await inHandler(async () => {
      log.info('in the handler');
      return runDetached(async () => {
        const now = seen();
        await new Promise((resolve) => setImmediate(resolve));
        log.info('detached');
        return [now, seen()] as const;
      });
    });
    expect(inside).toEqual({ fields: undefined, ids: undefined });
    expect(later).toEqual({ fields: undefined, ids: undefined });
    expect(lines[0]).toMatchObject({ msg: 'in the handler', ce_id: 'evt_1', trace_id: expect.any(String) });
    expect(lines[1]!.msg).toBe('detached');
    for (const field of ['ce_id', 'correlation_id', 'trace_id', 'span_id']) expect(lines[1]).not.toHaveProperty(field);
    // the handler's own context is back once the detached work returned
    expect(await inHandler(() => runDetached(() => 1) + (messageLogFields() ? 1 : 0))).toBe(2);
  });
});
