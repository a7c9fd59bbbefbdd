import { Liveness } from './liveness';

/** A liveness whose clock the test moves; ticks are driven by hand (no timer runs). */
function driven(options: { maxEventLoopDelayMs?: number; tickEveryMs?: number } = {}) {
  let now = 1_000_000;
  const liveness = new Liveness({ maxEventLoopDelayMs: 10_000, tickEveryMs: 1_000, ...options, now: () => now });
  const at = (ms: number) => {
    now = ms;
  };
  return { liveness, at, now: () => now };
}

describe('liveness', () => {
  it('when nothing has happened, then the process is live and names no problem', () => {
    const { liveness } = driven();
    expect(liveness.isLive()).toBe(true);
    expect(liveness.problems()).toEqual([]);
  });

  it('when each tick comes about when due, then the process stays live', () => {
    const { liveness, at, now } = driven();
    liveness.tick();
    for (let i = 0; i < 5; i++) {
      at(now() + 1_000 + 50);
      liveness.tick();
      expect(liveness.isLive()).toBe(true);
    }
  });

  it('when a tick comes later than the limit, then event_loop_blocked, only until the next tick comes on time', () => {
    const { liveness, at, now } = driven();
    liveness.tick(); // due at +1 s
    at(now() + 1_000 + 10_001);
    liveness.tick();
    expect(liveness.isLive()).toBe(false);
    expect(liveness.problems()).toEqual(['event_loop_blocked']);
    // still blocked when asked again before the next tick: nothing has shown the loop is well
    expect(liveness.problems()).toEqual(['event_loop_blocked']);
    at(now() + 1_000);
    liveness.tick();
    expect(liveness.isLive()).toBe(true);
    expect(liveness.problems()).toEqual([]);
  });

  it('when a tick is exactly as late as the limit, then it is not yet blocked', () => {
    const { liveness, at, now } = driven({ maxEventLoopDelayMs: 500 });
    liveness.tick();
    at(now() + 1_000 + 500);
    liveness.tick();
    expect(liveness.isLive()).toBe(true);
    at(now() + 1_000 + 501);
    liveness.tick();
    expect(liveness.isLive()).toBe(false);
  });

  it('when the first tick is driven by hand without start(), then it is not counted as late', () => {
    const { liveness } = driven();
    liveness.tick();
    expect(liveness.isLive()).toBe(true);
  });

  it('when a part fails for good, then the process stays not live, whatever the ticks say', () => {
    const { liveness, at, now } = driven();
    liveness.tick();
    liveness.fail('consumer_stopped');
    liveness.fail('consumer_stopped');
    expect(liveness.isLive()).toBe(false);
    expect(liveness.problems()).toEqual(['consumer_stopped']);
    at(now() + 1_000 + 60_000);
    liveness.tick();
    expect(liveness.problems()).toEqual(['consumer_stopped', 'event_loop_blocked']);
    at(now() + 1_000);
    liveness.tick();
    expect(liveness.problems()).toEqual(['consumer_stopped']);
    expect(liveness.isLive()).toBe(false);
  });

  it('when isLive is handed over as a plain function (a health check), then it still reads this liveness', () => {
    const { liveness } = driven();
    const { isLive } = liveness;
    liveness.fail('relay_stopped');
    expect(isLive()).toBe(false);
  });
});

describe('liveness with its own heartbeat', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('when the timers run on time, then it stays live; when the loop is held up, then the late tick says so', () => {
    const liveness = new Liveness({ maxEventLoopDelayMs: 2_000, tickEveryMs: 1_000 }).start();
    jest.advanceTimersByTime(5_000);
    expect(liveness.isLive()).toBe(true);
    // the clock moves on while no timer can fire: a synchronous job holding the event loop
    jest.setSystemTime(Date.now() + 5_000);
    jest.advanceTimersByTime(1_000);
    expect(liveness.problems()).toEqual(['event_loop_blocked']);
    jest.advanceTimersByTime(1_000);
    expect(liveness.isLive()).toBe(true);
    liveness.stop();
  });

  it('when stopped, then its heartbeat timer is gone', () => {
    const liveness = new Liveness().start();
    expect(jest.getTimerCount()).toBe(1);
    liveness.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
