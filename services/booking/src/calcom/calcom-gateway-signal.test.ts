import type { CalcomClient, SlotQuery } from './calcom-client';
import { CalcomError } from './calcom-errors';
import type { GatewayOptions, PolicyEvent } from './calcom-gateway';
import { CalcomGateway } from './calcom-gateway';

/**
 * A read given the caller's signal (a live question's deadline or hang-up), over a fake client
 * whose reads hang or fail; cockatiel's timers are fake, so "at once" means without any time passing.
 */
describe('the Cal.com gateway, when its caller stops waiting', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  const slotsQuery: SlotQuery = { eventTypeId: 1, startUtc: '2050-09-05', endUtc: '2050-09-06', timeZone: 'UTC' };
  const hang = () => new Promise<never>(() => undefined);

  /** A client whose slot reads keep the signal each attempt was given and answer with `read`. */
  function fakeClient(read: () => Promise<never>) {
    const attempts: AbortSignal[] = [];
    const client = {
      slots: (_query: SlotQuery, signal: AbortSignal) => {
        attempts.push(signal);
        return read();
      },
    } as unknown as CalcomClient;
    return { client, attempts };
  }

  function gateway(client: CalcomClient, options: Partial<GatewayOptions> = {}) {
    const events: PolicyEvent[] = [];
    const g = new CalcomGateway(client, {
      account: 'acct-1',
      timeoutMs: 60_000,
      readAttempts: 3,
      onEvent: (e) => events.push(e),
      ...options,
    });
    return { g, events };
  }

  /** everything that settles without time passing has settled */
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  /** the promise's outcome if it settled without time passing */
  const now = (promise: Promise<unknown>) =>
    Promise.race([promise, settled().then(() => 'still waiting')]).catch((error: unknown) => error);

  it('when the signal aborts while a read hangs, then the attempt is cancelled, nothing is retried, and the read fails at once as cancelled', async () => {
    const fake = fakeClient(hang);
    const { g, events } = gateway(fake.client);
    const caller = new AbortController();
    const read = g.slots(slotsQuery, caller.signal);
    await settled();
    expect(fake.attempts).toHaveLength(1);

    caller.abort();
    const failure = await now(read);
    expect(failure).toBeInstanceOf(CalcomError);
    expect(failure).toMatchObject({ code: 'CALCOM_CANCELLED', retryable: false, unwell: false });
    // the request in flight is aborted (fetch cancels it), so its bulkhead place is free again
    expect(fake.attempts[0]!.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(fake.attempts).toHaveLength(1);
    expect(events).toEqual([{ type: 'cancelled', operation: 'slots' }]);
  });

  it('when the signal aborts during a retry’s backoff, then no further attempt reaches Cal.com and the read fails at once', async () => {
    const fake = fakeClient(() => Promise.reject(new CalcomError('server_error', 'Cal.com 503: down')));
    const { g, events } = gateway(fake.client, { backoff: { initialMs: 5_000, maxMs: 5_000 } });
    const caller = new AbortController();
    const read = g.slots(slotsQuery, caller.signal);
    await settled();
    expect(events).toEqual([expect.objectContaining({ type: 'retry', operation: 'slots', attempt: 1 })]);

    caller.abort();
    expect(await now(read)).toMatchObject({ code: 'CALCOM_CANCELLED' });
    await jest.advanceTimersByTimeAsync(120_000);
    expect(fake.attempts).toHaveLength(1);
  });

  it('when no signal is given (the intents), then a hanging read still ends at its own time limit', async () => {
    const fake = fakeClient(hang);
    const { g } = gateway(fake.client, { timeoutMs: 1_000, readAttempts: 1 });
    const read = g.slots(slotsQuery);
    await settled();
    expect(await now(read)).toBe('still waiting');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await now(read)).toMatchObject({ code: 'CALCOM_TIMEOUT' });
  });
});
