import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** call-processor's domain metrics; label values are small fixed sets (unrouted reasons, lookup outcomes). */
export function makeCallProcessorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    unrouted: new Counter({
      name: 'call_processor_unrouted_calls_total',
      help: 'Calls whose business number matched no active directory entry',
      labelNames: ['reason'] as const,
      registers,
    }),
    directoryNumbers: new Gauge({
      name: 'call_processor_directory_numbers',
      help: 'Phone numbers in the in-memory directory',
      registers,
    }),
    directoryReloadErrors: new Counter({
      name: 'call_processor_directory_reload_errors_total',
      help: 'Failed directory reloads (the previous directory stays in use)',
      registers,
    }),
    customerLookups: new Counter({
      name: 'call_processor_customer_lookups_total',
      help: 'Customer lookups of the internal query API (who is calling?), by outcome: known, unknown, invalid',
      labelNames: ['outcome'] as const,
      registers,
    }),
    customerLookupSeconds: new Histogram({
      name: 'call_processor_customer_lookup_duration_seconds',
      help: 'Time to find a customer for a valid lookup (the asker waits about 50 ms)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
  };
}

export type CallProcessorMetrics = ReturnType<typeof makeCallProcessorMetrics>;
