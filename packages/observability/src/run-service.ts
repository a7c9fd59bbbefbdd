import type { EnvConfigResult } from './env-config';
import type { Logger } from './logger';
import { createLogger } from './logger';
import type { LoggerOptions } from './logger';
import type { TraceSamplerName, Tracing, TracingOptions } from './tracing';
import { startTracing } from './tracing';
import { urlOrigin } from './tracing-problems';

export interface ServiceHandle {
  /** graceful shutdown: readiness off, consuming stopped, outbox flushed, connections closed */
  stop(): Promise<void>;
}

export interface ServiceContext {
  log: Logger;
  /** the service can no longer do its work (a consumer stopped for good): shut down, exit non-zero */
  onFatal: (reason: string) => void;
}

export interface RunServiceOptions<C> {
  name: string;
  parseConfig: (env: NodeJS.ProcessEnv) => EnvConfigResult<C>;
  start: (config: C, context: ServiceContext) => Promise<ServiceHandle>;
  /** fields every log line carries at the moment it is written (e.g. the kafka runner's `messageLogFields`) */
  logFields?: () => Record<string, string> | undefined;
  /** injectable for tests; OTLP export when the config names an endpoint, else off */
  startTracing?: (options: TracingOptions) => Tracing;
  /** injectable for tests; the real process by default */
  process?: Pick<NodeJS.Process, 'env' | 'on' | 'exit' | 'stderr'>;
  /** injectable for tests: where the log lines go instead of stdout */
  logDestination?: LoggerOptions['destination'];
}

/** Exit code for a configuration the service refuses (sysexits' EX_CONFIG). */
export const EX_CONFIG = 78;

/** the longest the spans still buffered may take to go out before the process exits anyway */
const TRACE_FLUSH_MS = 3_000;

/** The settings runService reads (every service's config has them through `commonEnvFields`). */
export interface RunnableConfig {
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_TRACES_SAMPLER?: TraceSamplerName | undefined;
  OTEL_TRACES_SAMPLER_ARG?: number | undefined;
}

/**
 * What every service's `main.ts` does, once: parse the config (every problem printed, exit 78),
 * start tracing (OTLP export when an endpoint is configured, with its sampler; else nothing), start the service,
 * and on SIGTERM/SIGINT or a fatal error stop it within SHUTDOWN_TIMEOUT_MS, else exit hard.
 * Exit 0 after a signal, 1 after a fatal error or a failed stop; buffered spans are flushed
 * (for at most TRACE_FLUSH_MS) before a regular exit.
 */
export async function runService<C extends RunnableConfig>(options: RunServiceOptions<C>): Promise<void> {
  const proc = options.process ?? process;
  const parsed = options.parseConfig(proc.env);
  if (parsed.kind === 'invalid') {
    proc.stderr.write(
      `${options.name}: invalid configuration, refusing to start:\n  ${parsed.problems.join('\n  ')}\n`,
    );
    proc.exit(EX_CONFIG);
    return;
  }
  const { config } = parsed;
  const log = createLogger({
    service: options.name,
    level: config.LOG_LEVEL as 'info',
    ...(options.logFields ? { fields: options.logFields } : {}),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const tracing = (options.startTracing ?? startTracing)({
    service: options.name,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    tracesEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    sampling: {
      sampler: config.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
      ratio: config.OTEL_TRACES_SAMPLER_ARG,
    },
    log,
  });
  // the origin only: the URL's path, query or user part may carry the collector's key
  if (tracing.kind === 'otlp')
    log.info({ collector: urlOrigin(tracing.url), sampler: tracing.sampler }, 'tracing: spans exported by OTLP/HTTP');
  const exit = (code: number) => flushTraces(tracing, log).then(() => proc.exit(code));
  let service: ServiceHandle | undefined;
  let stopping = false;
  let fatalBeforeStarted: string | undefined;
  const shutdown = (reason: string, exitCode: 0 | 1) => {
    if (stopping) return;
    if (!service) {
      fatalBeforeStarted ??= reason;
      return;
    }
    stopping = true;
    log.info({ reason }, 'shutting down');
    // kept referenced: a stop that hangs on nothing the event loop holds must still end in exit 1,
    // not in the process draining out with 0; cleared once the stop has settled
    const hardExit = setTimeout(() => {
      log.error('graceful shutdown timed out; exiting');
      proc.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    service.stop().then(
      () => {
        clearTimeout(hardExit);
        log.info(`${options.name} stopped`);
        return exit(exitCode);
      },
      (error: unknown) => {
        clearTimeout(hardExit);
        log.error({ err: (error as Error).message }, 'error during shutdown');
        return exit(1);
      },
    );
  };
  try {
    service = await options.start(config, {
      log,
      onFatal: (reason) => {
        log.error({ reason }, `${options.name} cannot go on; exiting`);
        shutdown(reason, 1);
      },
    });
  } catch (error) {
    proc.stderr.write(`${options.name}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    await exit(1);
    return;
  }
  proc.on('SIGTERM', () => shutdown('SIGTERM', 0));
  proc.on('SIGINT', () => shutdown('SIGINT', 0));
  if (fatalBeforeStarted) shutdown(fatalBeforeStarted, 1);
}

/** Buffered spans out, for at most TRACE_FLUSH_MS (a collector that is away must not hold the exit). */
async function flushTraces(tracing: Tracing, log: Logger): Promise<void> {
  if (tracing.kind === 'off') return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), TRACE_FLUSH_MS);
  });
  const flushed = tracing.shutdown().then(
    () => 'flushed' as const,
    () => 'failed' as const,
  );
  const result = await Promise.race([flushed, late]);
  clearTimeout(timer);
  if (result !== 'flushed') log.warn({ result }, 'tracing: buffered spans not all exported before exit');
}
