import type { CallCostEvent, CostLineV1 } from '@rb/contracts';
import type { OutboxEvent } from '@rb/kafka-runner';
import { buildOutboxEvent } from '@rb/kafka-runner';
import type { CostLine, CostPins, LedgerKind } from '../costing/cost-inputs';
import type { Exact } from '../money/exact';
import { sum } from '../money/exact';
import type { LineAttribution } from './ledger.repository';

export interface CostEventFraming {
  topic: string;
  source: string;
  encode: (topic: string, value: unknown) => Buffer;
}

export interface CostRevision {
  callId: string;
  revision: number;
  cause: CallCostEvent['cause'];
  reason: string | null;
  attribution: LineAttribution;
  pins: CostPins;
  /** the call's whole costing after this revision */
  lines: readonly CostLine[];
  /** what this revision appended to the ledger */
  appended: readonly CostLine[];
  costedAt: Date;
  /** the message that caused it, for causation and trace context */
  causedBy: { id: string; traceparent?: string | undefined } | null;
}

const text = (x: Exact) => x.toDecimalString(12);
const toV1 = (l: CostLine): CostLineV1 => ({ ...l, amount: text(l.amount), amountEur: text(l.amountEur) });

/** The call's totals: sums of its lines by kind (base cost in dollars and euros, the rest in euros). */
export function totalsOf(lines: readonly CostLine[]): CallCostEvent['totals'] {
  const eur = (kind: LedgerKind) => text(sum(lines.filter((l) => l.kind === kind).map((l) => l.amountEur)));
  return {
    baseCostUsd: text(sum(lines.filter((l) => l.kind === 'base_cost').map((l) => l.amount))),
    baseCostEur: eur('base_cost'),
    wholesaleEur: eur('wholesale'),
    retailEur: eur('retail'),
    platformProfitEur: eur('platform_profit'),
    resellerProfitEur: eur('reseller_profit'),
  };
}

export function costEventOf(r: CostRevision): CallCostEvent {
  const a = r.attribution;
  return {
    type: r.revision === 1 ? 'cost.call-costed.v1' : 'cost.call-cost-adjusted.v1',
    callId: r.callId,
    revision: r.revision,
    cause: r.cause,
    reason: r.reason,
    attribution:
      a.companyId && a.branchId && a.phoneNumberId
        ? {
            companyId: a.companyId,
            branchId: a.branchId,
            phoneNumberId: a.phoneNumberId,
            resellerId: a.resellerId,
            serviceId: a.serviceId,
            staffId: a.staffId,
          }
        : null,
    callDay: r.pins.callDay,
    rate: r.pins.rateDate && r.pins.usdPerEur ? { date: r.pins.rateDate, usdPerEur: text(r.pins.usdPerEur) } : null,
    plans: { wholesale: r.pins.wholesalePlanId, retail: r.pins.retailPlanId },
    lines: r.lines.map(toV1),
    appended: r.appended.map(toV1),
    totals: totalsOf(r.lines),
    costedAt: r.costedAt.toISOString(),
  };
}

/** The outbox row of a revision: key = call id, ce_id `<call id>:cost:<revision>` (stable under redelivery). */
export function costOutboxEvent(
  event: CallCostEvent,
  framing: CostEventFraming,
  causedBy: CostRevision['causedBy'],
): OutboxEvent {
  return buildOutboxEvent(
    { topic: framing.topic, key: event.callId },
    {
      id: `${event.callId}:cost:${event.revision}`,
      type: event.type,
      source: framing.source,
      time: event.costedAt,
      subject: event.callId,
      correlationId: event.callId,
      ...(causedBy ? { cause: causedBy } : {}),
    },
    () => framing.encode(framing.topic, event),
  );
}
