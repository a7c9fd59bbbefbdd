import { createLogger } from '@rb/observability';
import { parseConfig } from './config';
import { startIngress } from './ingress';

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (parsed.kind === 'invalid') {
    process.stderr.write(`ingress: invalid configuration, refusing to start:\n  ${parsed.problems.join('\n  ')}\n`);
    process.exit(78); // EX_CONFIG
  }
  const { config } = parsed;
  const log = createLogger({ service: 'ingress', level: config.LOG_LEVEL });
  const ingress = await startIngress(config, log);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    ingress.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ingress: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
