import { EventEmitter } from 'node:events';
import type { EnvConfigResult } from './env-config';
import type { RunServiceOptions, ServiceContext, ServiceHandle } from './run-service';
import { EX_CONFIG, runService } from './run-service';
import type { Tracing, TracingOptions } from './tracing';

interface Config {
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_TRACES_SAMPLER?: 'parentbased_traceidratio';
  OTEL_TRACES_SAMPLER_ARG?: number;
}
const config: Config = { LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: 5_000 };
const valid: EnvConfigResult<Config> = { kind: 'valid', config };

/** The parts of `process` runService uses: env, signal listeners, exit (recorded, it does not exit), stderr. */
class FakeProcess extends EventEmitter {
  readonly env = { SOME_SETTING: 'x' };
  readonly exits: number[] = [];
  readonly stderrText: string[] = [];
  readonly stderr = { write: (text: string) => this.stderrText.push(text) > 0 };
  exit = (code?: number) => void this.exits.push(code ?? 0);
}

/** A service whose stop the test settles; `events` records the order of stop and exit. */
function setUp(overrides: Partial<RunServiceOptions<Config>> = {}) {
  const proc = new FakeProcess();
  const events: string[] = [];
  let settleStop: { resolve: () => void; reject: (error: Error) => void } | undefined;
  let context: ServiceContext | undefined;
  const handle: ServiceHandle = {
    stop: () => {
      events.push('stop');
      return new Promise<void>((resolve, reject) => {
        settleStop = { resolve, reject };
      });
    },
  };
  const start = jest.fn(async (_config: Config, given: ServiceContext) => {
    context = given;
    return handle;
  });
  proc.exit = (code?: number) => {
    events.push(`exit ${code ?? 0}`);
    proc.exits.push(code ?? 0);
  };
  const running = runService<Config>({
    name: 'booking',
    parseConfig: () => valid,
    start,
    process: proc as unknown as RunServiceOptions<Config>['process'],
    ...overrides,
  });
  return {
    proc,
    events,
    start,
    running,
    context: () => context!,
    stop: () => settleStop!,
  };
}

const settled = () => jest.advanceTimersByTimeAsync(0);

describe('runService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when the configuration is invalid, then every problem goes to stderr and it exits 78 without starting', async () => {
    const parseConfig = jest.fn((): EnvConfigResult<Config> => ({
      kind: 'invalid',
      problems: ['DATABASE_URL: Invalid input', 'OPS_PORT: Too big: expected number to be <=65535'],
    }));
    const { proc, start, running } = setUp({ parseConfig });
    await running;
    expect(parseConfig).toHaveBeenCalledWith(proc.env);
    expect(start).not.toHaveBeenCalled();
    expect(proc.exits).toEqual([EX_CONFIG]);
    expect(EX_CONFIG).toBe(78);
    expect(proc.stderrText.join('')).toBe(
      'booking: invalid configuration, refusing to start:\n' +
        '  DATABASE_URL: Invalid input\n' +
        '  OPS_PORT: Too big: expected number to be <=65535\n',
    );
  });

  it('when SIGTERM comes, then the service is stopped and, once it has, the process exits 0', async () => {
    const { proc, events, start, running, stop } = setUp();
    await running;
    expect(start).toHaveBeenCalledWith(config, expect.objectContaining({ onFatal: expect.any(Function) }));
    proc.emit('SIGTERM');
    proc.emit('SIGTERM'); // a second signal while stopping changes nothing
    expect(events).toEqual(['stop']);
    stop().resolve();
    await settled();
    expect(events).toEqual(['stop', 'exit 0']);
    // the hard-exit timer went with the stop: nothing exits again later
    await jest.advanceTimersByTimeAsync(60_000);
    expect(proc.exits).toEqual([0]);
  });

  it('when SIGINT comes, then it stops and exits 0 like SIGTERM', async () => {
    const { proc, events, running, stop } = setUp();
    await running;
    proc.emit('SIGINT');
    stop().resolve();
    await settled();
    expect(events).toEqual(['stop', 'exit 0']);
  });

  it('when the service reports a fatal error, then it is stopped and the process exits 1', async () => {
    const { proc, events, running, context, stop } = setUp();
    await running;
    context().onFatal('consumer_stopped');
    proc.emit('SIGTERM'); // already stopping: the exit code stays the fatal one
    stop().resolve();
    await settled();
    expect(events).toEqual(['stop', 'exit 1']);
  });

  it('when a fatal error is reported while the service is still starting, then it is stopped as soon as it has started', async () => {
    const proc = new FakeProcess();
    const stop = jest.fn(async () => undefined);
    await runService<Config>({
      name: 'booking',
      parseConfig: () => valid,
      start: async (_config, { onFatal }) => {
        onFatal('consumer_stopped');
        return { stop };
      },
      process: proc as unknown as RunServiceOptions<Config>['process'],
    });
    await settled();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(proc.exits).toEqual([1]);
  });

  it('when stopping fails, then the process exits 1', async () => {
    const { proc, events, running, stop } = setUp();
    await running;
    proc.emit('SIGTERM');
    stop().reject(new Error('the pool would not close'));
    await settled();
    expect(events).toEqual(['stop', 'exit 1']);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(proc.exits).toEqual([1]);
  });

  it('when starting throws, then the error goes to stderr, the process exits 1 and no signal handler is left', async () => {
    const { proc, running } = setUp({
      start: async () => {
        throw new Error('topic calls.lifecycle.v1 does not exist');
      },
    });
    await running;
    expect(proc.exits).toEqual([1]);
    expect(proc.stderrText.join('')).toMatch(
      /^booking: failed to start: Error: topic calls.lifecycle.v1 does not exist/,
    );
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('when the configuration names an OTLP endpoint, then tracing starts with the configured sampler before the service, and on SIGTERM its spans are flushed after the stop, before the exit', async () => {
    const proc = new FakeProcess();
    const order: string[] = [];
    proc.exit = (code?: number) => void order.push(`exit ${code ?? 0}`);
    const startTracing = jest.fn((_options: TracingOptions): Tracing => {
      order.push('tracing started');
      return {
        kind: 'otlp',
        url: 'http://127.0.0.1:4318/v1/traces',
        sampler: 'ParentBased{root=TraceIdRatioBased{0.25}}',
        shutdown: async () => void order.push('spans flushed'),
      };
    });
    await runService({
      name: 'booking',
      parseConfig: () => ({
        kind: 'valid',
        config: {
          ...config,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: 0.25,
        },
      }),
      startTracing,
      start: async () => {
        order.push('service started');
        return { stop: async () => void order.push('service stopped') };
      },
      process: proc as unknown as RunServiceOptions<Config>['process'],
    });
    expect(startTracing).toHaveBeenCalledWith({
      service: 'booking',
      endpoint: 'http://127.0.0.1:4318',
      tracesEndpoint: undefined,
      sampling: { sampler: 'parentbased_traceidratio', ratio: 0.25 },
      // OpenTelemetry's own problems (failed exports) go to the service's log
      log: expect.objectContaining({ warn: expect.any(Function) }),
    });
    proc.emit('SIGTERM');
    await settled();
    expect(order).toEqual(['tracing started', 'service started', 'service stopped', 'spans flushed', 'exit 0']);
  });

  it('when tracing starts, then the log names the collector by its origin only, never the path, query or user part of its URL (which may carry a key)', async () => {
    const lines: Record<string, unknown>[] = [];
    await runService({
      name: 'booking',
      parseConfig: () => ({ kind: 'valid', config: { ...config, LOG_LEVEL: 'info' } }),
      startTracing: () => ({
        kind: 'otlp',
        url: 'https://tenant:s3cret-user@otlp.example.com:4318/v1/traces/s3cret-path?api_key=s3cret-query',
        sampler: 'AlwaysOnSampler',
        shutdown: async () => undefined,
      }),
      start: async () => ({ stop: async () => undefined }),
      process: new FakeProcess() as unknown as RunServiceOptions<Config>['process'],
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    expect(lines.find((l) => l.msg === 'tracing: spans exported by OTLP/HTTP')).toMatchObject({
      collector: 'https://otlp.example.com:4318',
      sampler: 'AlwaysOnSampler',
    });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('when the collector does not take the spans in time, then the process exits anyway', async () => {
    const proc = new FakeProcess();
    await runService({
      name: 'booking',
      parseConfig: () => valid,
      startTracing: () => ({
        kind: 'otlp',
        url: 'http://127.0.0.1:4318/v1/traces',
        sampler: 'AlwaysOnSampler',
        shutdown: () => new Promise(() => {}),
      }),
      start: async () => ({ stop: async () => undefined }),
      process: proc as unknown as RunServiceOptions<Config>['process'],
    });
    proc.emit('SIGTERM');
    await jest.advanceTimersByTimeAsync(2_999);
    expect(proc.exits).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(proc.exits).toEqual([0]);
  });

  it('when the stop takes longer than SHUTDOWN_TIMEOUT_MS, then the process exits 1 at the deadline, not before', async () => {
    const { proc, events, running } = setUp();
    await running;
    proc.emit('SIGTERM');
    await jest.advanceTimersByTimeAsync(4_999);
    expect(proc.exits).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['stop', 'exit 1']);
  });
});
