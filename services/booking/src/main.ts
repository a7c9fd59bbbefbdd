import { createLogger } from '@rb/observability';
import { parseConfig } from './config';
import { startBookingService } from './service';

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (parsed.kind === 'invalid') {
    process.stderr.write(`booking: invalid configuration, refusing to start:\n  ${parsed.problems.join('\n  ')}\n`);
    process.exit(78); // EX_CONFIG
  }
  const config = parsed.config;
  const log = createLogger({ service: 'booking', level: config.LOG_LEVEL });
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down');
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    service.stop().then(
      () => process.exit(reason === 'consumer-crash' ? 1 : 0),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  // a consumer stopped by a configuration error (every other crash restarts it) must not leave a
  // ready-looking process that consumes nothing
  const service = await startBookingService(config, { log, onFatal: () => shutdown('consumer-crash') });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`booking: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
