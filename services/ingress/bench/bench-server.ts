/**
 * The process under test for bench-ingress.ts. MODE=full runs the real ingress (HMAC, zod,
 * Redis dedup + rate limit, Kafka acks=all). MODE=ceiling runs the same express app, signature
 * check and validation, but answers without Kafka or Redis: the same-run ceiling.
 */
import { once } from 'node:events';
import pino from 'pino';
import { createMetricsRegistry } from '@rb/observability';
import { parseConfig } from '../src/config';
import { makeApp } from '../src/entry-points/http/app';
import { startIngress } from '../src/service';
import { makeIngressMetrics } from '../src/ingress-metrics';
import { makeReceiveWebhook } from '../src/webhooks/receive-webhook';

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (parsed.kind === 'invalid') throw new Error(parsed.problems.join('; '));
  const config = parsed.config;
  const log = pino({ level: 'warn' });
  if (process.env.MODE === 'full') {
    const ingress = await startIngress(config, { log, topic: process.env.BENCH_TOPIC });
    process.send?.({ url: ingress.url });
    return;
  }
  const registry = createMetricsRegistry('ingress-ceiling');
  const metrics = makeIngressMetrics(registry);
  const receiveWebhook = makeReceiveWebhook({
    apiKey: config.RETELL_API_KEY,
    signatureToleranceMs: config.SIGNATURE_TOLERANCE_MS,
    answerWithinMs: config.PRODUCE_TIMEOUT_MS,
    topicSchemaId: () => 1,
    source: '/bench',
    publisher: { publish: async () => undefined },
    dedup: {
      claim: async () => ({ kind: 'claimed', token: 't' }),
      confirm: async () => undefined,
      release: async () => undefined,
    },
    rateLimiter: { take: async () => ({ kind: 'allowed' }) },
    metrics,
    clock: Date.now,
    log,
  });
  const app = makeApp({
    receiveWebhook,
    // the ceiling measures webhooks only
    answerCallInbound: async () => ({ kind: 'not_ready' }),
    answerFunctionCall: async () => ({ kind: 'rejected', name: 'unknown', reason: 'bad_signature', detail: 'bench' }),
    maxBodyBytes: config.MAX_BODY_BYTES,
    registry,
    metrics,
    log,
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  process.send?.({ url: `http://127.0.0.1:${address.port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
