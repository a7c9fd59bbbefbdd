import type { Transactions } from '@rb/kafka-runner';
import type { InMemoryTracing } from '@rb/observability';
import { activeTraceIds, startInMemoryTracing, withSpan } from '@rb/observability';
import { PendingSweeper } from './pending-sweeper';

/**
 * The sweeper is nudged from inside other work (a directory message's commit, the calls
 * consumer's chunk, an admin request); its sweeps must not run in that work's trace.
 */
let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing('pending-sweeper-test');
});
afterAll(() => tracing.shutdown());

/** a sweeper whose every sweep records the trace it runs in, then fails at its first transaction */
function recordingSweeper() {
  const seen: (ReturnType<typeof activeTraceIds> | 'none')[] = [];
  const waiting: (() => void)[] = [];
  const transactions = (async () => {
    seen.push(activeTraceIds() ?? 'none');
    waiting.shift()?.();
    throw new Error('no database in this test');
  }) as Transactions;
  const sweeper = new PendingSweeper({
    transactions,
    cost: { topic: 'cost.call-costs.v1', source: '/test', encode: () => Buffer.alloc(0), clock: () => new Date() },
    intervalMs: 60_000,
    onError: () => undefined,
  });
  const nextSweep = () => new Promise<void>((resolve) => waiting.push(resolve));
  return { sweeper, seen, nextSweep };
}

describe('the pending sweeper', () => {
  it('when it is nudged, or nudged soon, from inside a request’s span, then the sweep runs in no span at all', async () => {
    const { sweeper, seen, nextSweep } = recordingSweeper();
    try {
      let swept = nextSweep();
      await withSpan({ name: 'PUT /admin/plans/:id' }, async () => sweeper.nudge());
      await swept;
      swept = nextSweep();
      await withSpan({ name: 'process calls.lifecycle.v1' }, async () => sweeper.nudgeSoon(1));
      await swept;
    } finally {
      await sweeper.stop();
    }
    expect(seen).toEqual(['none', 'none']);
    // the spans it was nudged from did record (so 'none' is not tracing being off)
    expect(tracing.spans().map((span) => span.name)).toEqual(['PUT /admin/plans/:id', 'process calls.lifecycle.v1']);
  });
});
