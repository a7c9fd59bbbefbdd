import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { trace } from '@opentelemetry/api';
import { startTracing, tracesUrl, tracingEnabled } from './tracing';

const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * Runs `code` (TypeScript, `tracing` and `spans` in scope) in a process of its own: the OTLP
 * exporter loads `http` with a dynamic import, which jest's module sandbox refuses.
 */
async function inOwnProcess(code: string): Promise<string> {
  const module = JSON.stringify(join(__dirname, 'index.ts'));
  const script = `import * as observability from ${module};\n(async () => {\n${code}\n})();`;
  const { stdout } = await promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['-e', script], {
    cwd: REPO_ROOT,
    timeout: 30_000,
  });
  return stdout;
}

/** A stand-in OTLP collector on 127.0.0.1: records each request's path and body. */
async function collector() {
  const received: { path: string; contentType: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // the exporter keeps its connection alive
        server.closeAllConnections();
      }),
  };
}

describe('tracing', () => {
  it('when no OTLP endpoint is configured, then nothing is registered and spans record nothing', async () => {
    const tracing = startTracing({ service: 'booking' });
    expect(tracing.kind).toBe('off');
    expect(tracingEnabled()).toBe(false);
    const span = trace.getTracer('test').startSpan('work');
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
  });

  it('when an endpoint is configured, then spans go by OTLP/HTTP to <endpoint>/v1/traces with the service name, and shutting down sends what is buffered', async () => {
    const otlp = await collector();
    let said: unknown;
    try {
      said = JSON.parse(
        await inOwnProcess(`
          const tracing = observability.startTracing({ service: 'booking-tracing-test', endpoint: '${otlp.url}/' });
          const recording = await observability.withSpan({ name: 'calcom-create-booking' }, async (span) => span.isRecording());
          // the batch processor waits 5 s before it exports, and this process ends sooner: only
          // the flush at shutdown can have sent the span
          await tracing.shutdown();
          console.log(JSON.stringify({ kind: tracing.kind, url: tracing.url, recording, enabledAfter: observability.tracingEnabled() }));
        `),
      );
    } finally {
      await otlp.close();
    }
    expect(said).toEqual({ kind: 'otlp', url: `${otlp.url}/v1/traces`, recording: true, enabledAfter: false });
    expect(otlp.received).toHaveLength(1);
    const [request] = otlp.received;
    expect(request!.path).toBe('/v1/traces');
    expect(request!.contentType).toBe('application/json');
    const exported = JSON.parse(request!.body.toString()) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { name: string }[] }[];
      }[];
    };
    const [resource] = exported.resourceSpans;
    expect(resource!.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'booking-tracing-test' },
    });
    expect(resource!.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))).toEqual(['calcom-create-booking']);
  });

  it('when a traces endpoint is configured too, then it wins and is used as it is', () => {
    expect(tracesUrl({ endpoint: 'http://otel:4318', tracesEndpoint: 'http://tempo:4318/otlp/v1/traces' })).toBe(
      'http://tempo:4318/otlp/v1/traces',
    );
    expect(tracesUrl({ endpoint: 'http://otel:4318' })).toBe('http://otel:4318/v1/traces');
    expect(tracesUrl({})).toBeUndefined();
  });
});
