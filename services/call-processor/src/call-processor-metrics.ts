import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/** call-processor's domain metrics; label values are small fixed sets (unrouted reasons). */
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
  };
}

export type CallProcessorMetrics = ReturnType<typeof makeCallProcessorMetrics>;
