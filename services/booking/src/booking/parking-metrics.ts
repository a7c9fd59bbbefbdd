import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { Sql } from '@rb/kafka-runner';
import type { Park } from './booking-intents';
import { parkedStats } from './parked-intents.repository';
import type { RedriveOutcome } from './redrive-parked';

/** Parked intents: how many wait now and since when, why they were parked, what their re-drives did. */
export function makeParkingMetrics(registry: Registry, db: Sql) {
  // a database that cannot answer keeps the last values
  const read = () => parkedStats(db);
  new Gauge({
    name: 'booking_parked_intents',
    help: 'Intents parked now because their Cal.com is unavailable (or behind a parked intent of their call)',
    registers: [registry],
    async collect() {
      await read().then(
        (s) => this.set(s.count),
        () => undefined,
      );
    },
  });
  new Gauge({
    name: 'booking_parked_oldest_seconds',
    help: 'How long the longest-parked intent has waited (0 when none is parked)',
    registers: [registry],
    async collect() {
      await read().then(
        (s) => this.set(s.oldestSeconds),
        () => undefined,
      );
    },
  });
  const parked = new Counter({
    name: 'booking_intents_parked_total',
    help: "Intents parked instead of pausing their partition, by reason (the Cal.com failure, or behind_parked: their call's order)",
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const redriven = new Counter({
    name: 'booking_parked_redrives_total',
    help: 'Re-drives of parked intents, by outcome (settled, already_settled, still_unavailable, retried, dead_lettered)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    onParked: (park: Park) => parked.inc({ reason: park.reason }),
    onRedrive: (report: { outcome: RedriveOutcome }) => redriven.inc({ outcome: report.outcome }),
  };
}
