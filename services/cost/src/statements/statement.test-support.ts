import type { Plan } from '../costing/cost-inputs';
import { Exact } from '../money/exact';
import type { StatementCall } from './monthly-statement';

/** Test support only: retail plans and calls for the statement tests. */
export const COMPANY = '11111111-1111-4111-8111-111111111111';

export function retailPlan(id: string, extra: Partial<Plan> = {}): Plan {
  return {
    id,
    seller: 'platform',
    buyer: { kind: 'company', companyId: COMPANY },
    currency: 'EUR',
    unit: 'per_started_minute',
    pricePerUnit: Exact.parse('0.15'),
    minimumPerConnectedCall: Exact.parse('0.20'),
    feePerConfirmedBooking: Exact.parse('1.00'),
    monthlyFee: Exact.parse('49.00'),
    includedMinutes: 2,
    validFrom: new Date('2024-01-01T00:00:00+01:00'),
    validUntil: null,
    ...extra,
  };
}

/** A call of June 2024 with its retail lines given as component → decimal text. */
export function call(
  callId: string,
  startedAt: string,
  connectedSeconds: number,
  lines: Record<string, string>,
  planId = 'A',
): StatementCall {
  return {
    callId,
    startedAt: new Date(startedAt),
    callDay: startedAt.slice(0, 10),
    connectedSeconds,
    planId,
    lines: Object.entries(lines).map(([component, amount]) => ({ component, amount: Exact.parse(amount) })),
  };
}
