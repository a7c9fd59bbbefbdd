import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { PendingReason } from './costing/cost-inputs';
import type { PendingStats } from './ledger/costing-state.repository';

/** Per-call amounts in euros: cents to a few euros, with the tail of long calls. */
const EUR_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20];
/** Margins as fractions of revenue: losses below zero. */
const MARGIN_BUCKETS = [-1, -0.5, -0.25, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * cost's domain metrics. Labels are small fixed sets (pending reasons, causes, parties), never a
 * call, company or reseller id: per-company figures come from the reports.
 */
export function makeCostMetrics(registry: Registry) {
  const registers = [registry];
  return {
    costed: new Counter({
      name: 'cost_calls_costed_total',
      help: 'Call costings written to the ledger, by cause (costed: first; late_fact: an adjustment; recost)',
      labelNames: ['cause'] as const,
      registers,
    }),
    pending: new Gauge({
      name: 'cost_calls_pending',
      help: 'Calls waiting to be costed, by what they wait for (rate, plan, twilio_rate, directory)',
      labelNames: ['reason'] as const,
      registers,
    }),
    oldestPendingSeconds: new Gauge({
      name: 'cost_pending_oldest_seconds',
      help: 'Age of the longest-waiting pending call, by what it waits for (rate, plan, twilio_rate, directory; 0 when none waits)',
      labelNames: ['reason'] as const,
      registers,
    }),
    recosts: new Counter({
      name: 'cost_recosts_total',
      help: 'Re-cost commands, by outcome',
      labelNames: ['outcome'] as const,
      registers,
    }),
    baseCostEur: new Histogram({
      name: 'cost_call_base_cost_eur',
      help: 'Base cost of a call when first costed, in euros',
      buckets: EUR_BUCKETS,
      registers,
    }),
    margin: new Histogram({
      name: 'cost_call_margin_ratio',
      help: 'Margin of a call when first costed (profit ÷ revenue), by party',
      labelNames: ['party'] as const,
      buckets: MARGIN_BUCKETS,
      registers,
    }),
    ratesImported: new Counter({
      name: 'cost_ecb_rates_imported_total',
      help: 'ECB reference rates written by imports (new or changed day-currency pairs)',
      registers,
    }),
  };
}

export type CostMetrics = ReturnType<typeof makeCostMetrics>;
export type PendingCounts = Record<PendingReason, number>;

/** every reason a call can wait for: each gets its series, 0 when no call waits for it */
const PENDING_REASONS = Object.keys({
  rate: true,
  plan: true,
  twilio_rate: true,
  directory: true,
} satisfies Record<PendingReason, true>) as PendingReason[];

/**
 * The pending gauges after a sweep: `cost_calls_pending{reason}` and `cost_pending_oldest_seconds{reason}`.
 * By reason, so a call that waits for a rate the ECB never publishes shows as an ever older
 * `reason="rate"` (CostExchangeRatesMissing) however many calls of other reasons come and go.
 */
export function reportPending(metrics: CostMetrics, stats: PendingStats, now: Date): void {
  for (const reason of PENDING_REASONS) {
    const waiting = stats.byReason[reason];
    metrics.pending.set({ reason }, waiting?.count ?? 0);
    metrics.oldestPendingSeconds.set(
      { reason },
      waiting ? Math.max(0, (now.getTime() - waiting.oldestSince.getTime()) / 1000) : 0,
    );
  }
}
