import type { CallFacts, CompanyAccount, CostContext, CostLine, Plan, TwilioRate } from './cost-inputs';
import { Exact } from '../money/exact';

/** Test support only: a call's facts, a context, and lines as text, for the costing tests. */
export const COMPANY = '11111111-1111-4111-8111-111111111111';
export const RESELLER = '33333333-3333-4333-8333-333333333333';
const BRANCH = '44444444-4444-4444-8444-444444444444';
const NUMBER = '55555555-5555-4555-8555-555555555555';

export function facts(extra: Partial<CallFacts> = {}): CallFacts {
  return {
    callId: 'call_test',
    attribution: { companyId: COMPANY, branchId: BRANCH, phoneNumberId: NUMBER },
    startedAt: new Date('2026-10-13T07:41:07.412Z'),
    endedAt: new Date('2026-10-13T07:42:01.122Z'),
    durationMs: 53_710,
    direction: 'inbound',
    line: { numberKind: 'retell', numberType: 'local' },
    twilioCallSid: null,
    retellCost: { combinedCostCents: 0, totalDurationSeconds: 0, productCosts: [] },
    serviceId: null,
    staffId: null,
    confirmedBookings: 0,
    alternativeBookings: 0,
    ...extra,
  };
}

export function plan(id: string, extra: Partial<Plan> = {}): Plan {
  return {
    id,
    seller: 'platform',
    buyer: { kind: 'reseller', resellerId: RESELLER },
    currency: 'EUR',
    unit: 'per_second',
    pricePerUnit: Exact.parse('0.002'),
    minimumPerConnectedCall: Exact.parse('0.10'),
    feePerConfirmedBooking: Exact.parse('0.50'),
    monthlyFee: Exact.parse('0'),
    includedMinutes: 0,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: null,
    ...extra,
  };
}

export const RETAIL = plan('retail', {
  seller: RESELLER,
  buyer: { kind: 'company', companyId: COMPANY },
  unit: 'per_started_minute',
  pricePerUnit: Exact.parse('0.15'),
  minimumPerConnectedCall: Exact.parse('0.20'),
  feePerConfirmedBooking: Exact.parse('1.00'),
});

export function company(resellerId: string | null = RESELLER, billingCurrency = 'EUR'): CompanyAccount {
  return { companyId: COMPANY, resellerId, billingCurrency, resellerCurrency: resellerId === null ? null : 'EUR' };
}

export function rates(byCurrency: Record<string, Record<string, string>>): CostContext['ecbRates'] {
  return new Map(
    Object.entries(byCurrency).map(([currency, days]) => [
      currency,
      new Map(Object.entries(days).map(([day, rate]) => [day, Exact.parse(rate)])),
    ]),
  );
}

export function context(extra: Partial<CostContext> = {}): CostContext {
  return {
    company: company(),
    wholesalePlan: plan('wholesale'),
    retailPlan: RETAIL,
    twilioRate: null,
    ecbRates: rates({ USD: { '2026-10-13': '1.0705', '2026-10-14': '1.0696' } }),
    ...extra,
  };
}

export function twilioRate(extra: Partial<TwilioRate> = {}): TwilioRate {
  return {
    id: 'twilio-in-local',
    direction: 'inbound',
    numberType: 'local',
    usdPerMinute: Exact.parse('0.0085'),
    unit: 'per_started_minute',
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: null,
    ...extra,
  };
}

/** Lines as [kind, component, currency, amount, amountEur] text rows. */
export function rows(lines: readonly CostLine[]): string[][] {
  return lines.map((l) => [l.kind, l.component, l.currency, l.amount.toDecimalString(), l.amountEur.toDecimalString()]);
}
