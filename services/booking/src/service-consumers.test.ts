import { createLogger, Liveness } from '@rb/observability';
import { watchCrash } from './service-consumers';

describe("a consumer's crash and booking's liveness", () => {
  const crashing = () => {
    let listener: (error: Error, restarting: boolean) => void = () => undefined;
    return {
      onCrash: (l: typeof listener) => void (listener = l),
      crash: (restarting: boolean) => listener(new Error('SASL authentication failed'), restarting),
    };
  };
  const log = createLogger({ service: 'booking', level: 'silent' });

  it('when a consumer stops for good (a configuration error), then the process is not live and booking cannot go on', () => {
    const runner = crashing();
    const liveness = new Liveness();
    const fatal: string[] = [];
    watchCrash(runner, { log, liveness, onFatal: (reason) => fatal.push(reason) });
    runner.crash(false);
    expect(liveness.isLive()).toBe(false);
    expect(liveness.problems()).toEqual(['consumer_stopped']);
    expect(fatal).toEqual(['consumer_stopped']);
  });

  it('when a crashed consumer is being restarted (the broker away), then the process stays live', () => {
    const runner = crashing();
    const liveness = new Liveness();
    const fatal: string[] = [];
    watchCrash(runner, { log, liveness, onFatal: (reason) => fatal.push(reason) });
    runner.crash(true);
    expect(liveness.isLive()).toBe(true);
    expect(fatal).toEqual([]);
  });
});
