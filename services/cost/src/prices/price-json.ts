import type { Plan, TwilioRate } from '../costing/cost-inputs';
import type { PlanRecord } from './plans.repository';
import type { TwilioRateRecord } from './twilio-rates.repository';

/** Plans and rates as the API shows them: amounts as exact decimal strings, instants as ISO text. */
export function planJson(record: PlanRecord) {
  const p: Plan = record.plan;
  return {
    id: p.id,
    seller: p.seller,
    buyer: p.buyer,
    currency: p.currency,
    unit: p.unit,
    pricePerUnit: p.pricePerUnit.toDecimalString(),
    minimumPerConnectedCall: p.minimumPerConnectedCall.toDecimalString(),
    feePerConfirmedBooking: p.feePerConfirmedBooking?.toDecimalString() ?? null,
    monthlyFee: p.monthlyFee.toDecimalString(),
    includedMinutes: p.includedMinutes,
    ...validityJson(p, record),
  };
}

export function twilioRateJson(record: TwilioRateRecord) {
  const r: TwilioRate = record.rate;
  return {
    id: r.id,
    direction: r.direction,
    numberType: r.numberType,
    usdPerMinute: r.usdPerMinute.toDecimalString(),
    unit: r.unit,
    ...validityJson(r, record),
  };
}

function validityJson(v: { validFrom: Date; validUntil: Date | null }, r: { createdAt: Date; createdBy: string }) {
  return {
    validFrom: v.validFrom.toISOString(),
    validUntil: v.validUntil?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  };
}
