import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import type { TraceSampling } from './tracing';
import { samplerFor, startInMemoryTracing, startTracing, tracesUrl, tracingEnabled } from './tracing';

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

/** A stand-in OTLP collector on 127.0.0.1: records each request's path and body, answers `status`. */
async function collector(status = 200) {
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
      if (status === 200) res.writeHead(200).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end('{"message":"refused"}');
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

/** the fields every log line has besides what a test looks at */
const any = { time: expect.any(String), service: 'test', suppressedSinceLast: 0 };

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

  it('when the collector refuses an export, then the service’s log says so as a warning (once per 10 s), naming the collector by its origin only', async () => {
    const otlp = await collector(400);
    const url = `${otlp.url}/v1/traces?api_key=s3cret`;
    let lines: Record<string, unknown>[];
    try {
      lines = JSON.parse(
        await inOwnProcess(`
          const lines = [];
          const log = observability.createLogger({ service: 'test', destination: { write: (line) => void lines.push(JSON.parse(line)) } });
          const tracing = observability.startTracing({ service: 'booking-tracing-test', tracesEndpoint: '${url}', log });
          // a full batch (512) goes out at once; the collector refuses it, and the next
          for (let i = 0; i < 1100; i++) await observability.withSpan({ name: 'work' }, async () => undefined);
          const deadline = Date.now() + 10_000;
          while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
          // what OpenTelemetry says with the URL in it (as a network error would) names the origin only
          (await import(${JSON.stringify(require.resolve('@opentelemetry/api'))})).diag.warn('cannot reach ${url}');
          await tracing.shutdown().catch(() => undefined);
          console.log(JSON.stringify(lines));
        `),
      ) as Record<string, unknown>[];
    } finally {
      await otlp.close();
    }
    expect(otlp.received.length).toBeGreaterThanOrEqual(2);
    const message = 'tracing: OpenTelemetry reports a problem; spans may be lost';
    expect(lines).toEqual([
      { level: 'warn', msg: message, problem: expect.stringMatching(/OTLPExporterError 400 Bad Request/), ...any },
      { level: 'warn', msg: message, problem: `cannot reach ${otlp.url}`, ...any },
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('when an endpoint and a sampler are configured, then the exporting provider samples with it', async () => {
    const tracing = startTracing({
      service: 'booking',
      endpoint: 'http://127.0.0.1:4318',
      sampling: { sampler: 'always_off' },
    });
    try {
      expect(tracing).toMatchObject({ kind: 'otlp', sampler: 'AlwaysOffSampler' });
      const span = trace.getTracer('test').startSpan('work');
      expect(span.isRecording()).toBe(false);
      span.end();
    } finally {
      await tracing.shutdown();
    }
  });

  it('when a traces endpoint is configured too, then it wins and is used as it is', () => {
    expect(tracesUrl({ endpoint: 'http://otel:4318', tracesEndpoint: 'http://tempo:4318/otlp/v1/traces' })).toBe(
      'http://tempo:4318/otlp/v1/traces',
    );
    expect(tracesUrl({ endpoint: 'http://otel:4318' })).toBe('http://otel:4318/v1/traces');
    expect(tracesUrl({})).toBeUndefined();
  });
});

describe('sampling', () => {
  /** two trace ids the ratio samplers tell apart: the first is kept from a ratio above 0, the second only at 1 */
  const KEPT_FIRST = '00000000000000000000000000000001';
  const KEPT_LAST = 'ffffffff000000000000000000000000';

  /** whether a span started in a process with `sampling` records: a new trace, or a child of a caller's span */
  async function recorded(sampling: TraceSampling, parent?: { traceId: string; sampled: boolean }) {
    const tracing = startInMemoryTracing('sampling-test', sampling);
    try {
      const remote = parent
        ? trace.setSpanContext(context.active(), {
            traceId: parent.traceId,
            spanId: 'b7ad6b7169203331',
            traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
            isRemote: true,
          })
        : context.active();
      const span = trace.getTracer('test').startSpan('work', {}, remote);
      const recording = span.isRecording();
      span.end();
      expect(tracing.spans()).toHaveLength(recording ? 1 : 0);
      return recording;
    } finally {
      await tracing.shutdown();
    }
  }
  const sampled = (traceId: string) => ({ traceId, sampled: true });
  const dropped = (traceId: string) => ({ traceId, sampled: false });

  it('when no sampler is named, then every new trace is kept and a caller’s decision is followed (parentbased_always_on)', async () => {
    expect(await recorded({ sampler: 'parentbased_always_on' })).toBe(true);
    expect(await recorded({ sampler: 'parentbased_always_on' }, dropped(KEPT_FIRST))).toBe(false);
    expect(await recorded({ sampler: 'parentbased_always_on' }, sampled(KEPT_LAST))).toBe(true);
    expect(samplerFor({ sampler: 'parentbased_always_on' }).toString()).toMatch(/^ParentBased\{root=AlwaysOnSampler/);
  });

  it('when always_on or always_off is named, then every span is kept or dropped, whatever the caller decided', async () => {
    expect(await recorded({ sampler: 'always_on' }, dropped(KEPT_FIRST))).toBe(true);
    expect(await recorded({ sampler: 'always_off' })).toBe(false);
    expect(await recorded({ sampler: 'always_off' }, sampled(KEPT_FIRST))).toBe(false);
  });

  it('when parentbased_always_off is named, then no trace starts here, but a sampled caller’s trace goes on', async () => {
    expect(await recorded({ sampler: 'parentbased_always_off' })).toBe(false);
    expect(await recorded({ sampler: 'parentbased_always_off' }, sampled(KEPT_LAST))).toBe(true);
  });

  it('when traceidratio is named, then the trace id decides against the ratio, even under a caller’s span', async () => {
    expect(await recorded({ sampler: 'traceidratio', ratio: 0.5 }, dropped(KEPT_FIRST))).toBe(true);
    expect(await recorded({ sampler: 'traceidratio', ratio: 0.5 }, sampled(KEPT_LAST))).toBe(false);
    // without a ratio: 1, every trace
    expect(await recorded({ sampler: 'traceidratio' }, sampled(KEPT_LAST))).toBe(true);
    expect(await recorded({ sampler: 'traceidratio', ratio: 0 }, sampled(KEPT_FIRST))).toBe(false);
  });

  it('when parentbased_traceidratio is named, then the ratio decides new traces only, and a caller’s decision is followed', async () => {
    expect(await recorded({ sampler: 'parentbased_traceidratio', ratio: 0 })).toBe(false);
    expect(await recorded({ sampler: 'parentbased_traceidratio', ratio: 1 })).toBe(true);
    expect(await recorded({ sampler: 'parentbased_traceidratio', ratio: 0 }, sampled(KEPT_LAST))).toBe(true);
    expect(await recorded({ sampler: 'parentbased_traceidratio', ratio: 1 }, dropped(KEPT_FIRST))).toBe(false);
    expect(samplerFor({ sampler: 'parentbased_traceidratio', ratio: 0.1 }).toString()).toContain(
      'root=TraceIdRatioBased{0.1}',
    );
  });
});
