import { context, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Logger } from './logger';
import { warnOfProblems } from './tracing-problems';

export type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry tracing for one process. With an OTLP endpoint configured, a tracer provider is
 * registered globally with the AsyncLocalStorage context manager, the W3C trace-context
 * propagator and a batching OTLP/HTTP exporter; without one nothing is registered, and every span
 * the code opens is the API's no-op (no allocation beyond a non-recording span, no export).
 * Code opens spans through `@opentelemetry/api` alone (`withSpan`, `httpServerSpans`, the kafka
 * runner), never through the SDK.
 */
export interface TracingOptions {
  /** `service.name` of every span */
  service: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL; traces go to `<it>/v1/traces` */
  endpoint?: string | undefined;
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the full URL traces go to; wins over `endpoint` */
  tracesEndpoint?: string | undefined;
  /** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; parentbased_always_on when not given */
  sampling?: TraceSampling | undefined;
  /**
   * where OpenTelemetry's own problems go (above all an export the collector refused or never
   * answered), as warnings; without one they go unheard
   */
  log?: Logger | undefined;
}

/** The samplers `OTEL_TRACES_SAMPLER` may name (the OpenTelemetry SDK's standard ones without a remote service). */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

export interface TraceSampling {
  sampler: TraceSamplerName;
  /** the traceidratio samplers' share of traces kept, from 0 to 1 (default 1); the others ignore it */
  ratio?: number | undefined;
}

/**
 * The SDK sampler for a setting. The `parentbased_` ones follow the caller's decision (the
 * traceparent's sampled flag, so a trace is kept or dropped whole across services) and use the
 * named sampler only for the traces that start here; the others decide every span alone.
 */
export function samplerFor({ sampler, ratio = 1 }: TraceSampling): Sampler {
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

export type Tracing = ({ kind: 'off' } | { kind: 'otlp'; url: string; sampler: string }) & {
  /** exports what is still buffered, then unregisters the provider */
  shutdown(): Promise<void>;
};

/** for tests: spans end up in memory, exported as each ends */
export interface InMemoryTracing {
  exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

let registered = false;

/** True while a provider is registered; code that would only build a no-op span can skip it. */
export function tracingEnabled(): boolean {
  return registered;
}

/** The traces URL the options name, or undefined: tracing off. */
export function tracesUrl({ endpoint, tracesEndpoint }: Omit<TracingOptions, 'service'>): string | undefined {
  if (tracesEndpoint) return tracesEndpoint;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** Registers OTLP export when an endpoint is configured; otherwise nothing (off, and free). */
export function startTracing(options: TracingOptions): Tracing {
  const url = tracesUrl(options);
  if (!url) return { kind: 'off', shutdown: async () => undefined };
  const sampler = samplerFor(options.sampling ?? DEFAULT_SAMPLING);
  const exporter = new OTLPTraceExporter({ url });
  const provider = register(options.service, new BatchSpanProcessor({ exporter }), sampler);
  if (options.log) warnOfProblems(options.log, url);
  return { kind: 'otlp', url, sampler: sampler.toString(), shutdown: () => unregister(provider) };
}

/** what OTEL_TRACES_SAMPLER defaults to, as in the OpenTelemetry SDKs */
const DEFAULT_SAMPLING: TraceSampling = { sampler: 'parentbased_always_on' };

/** Registers a provider whose spans go to memory (tests: one per process, shut down after). */
export function startInMemoryTracing(service: string, sampling: TraceSampling = DEFAULT_SAMPLING): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = register(service, new SimpleSpanProcessor({ exporter }), samplerFor(sampling));
  return { exporter, spans: () => exporter.getFinishedSpans(), shutdown: () => unregister(provider) };
}

function register(service: string, processor: SpanProcessor, sampler: Sampler): TracerProvider {
  if (registered) throw new Error('tracing is already started in this process');
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
    sampler,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registered = true;
  return provider;
}

async function unregister(provider: TracerProvider): Promise<void> {
  try {
    await provider.shutdown();
  } finally {
    trace.disable();
    propagation.disable();
    context.disable();
    diag.disable();
    registered = false;
  }
}
