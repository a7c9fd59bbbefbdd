import type { Sql } from '@rb/kafka-runner';
import type { Plan, TwilioRate } from '../costing/cost-inputs';
import type { KnownRates } from '../exchange-rates/rate-for-call';
import { Exact } from '../money/exact';

/**
 * The price tables as costing reads them, each in one statement for a whole chunk of calls:
 * the plans of the parties involved, Twilio's rates, and the ECB rates from shortly before the
 * earliest call day on (a rate is chosen from its day or, when the ECB skipped the day, the last
 * before it; whether a later day is known decides which, so everything after is loaded too).
 */
export interface PlanRow {
  id: string;
  seller: string;
  buyer_kind: 'reseller' | 'company' | 'default';
  buyer_id: string | null;
  currency: string;
  unit: Plan['unit'];
  price_per_unit: string;
  minimum_per_connected_call: string;
  fee_per_confirmed_booking: string | null;
  monthly_fee: string;
  included_minutes: number;
  valid_from: Date;
  valid_until: Date | null;
}

export function toPlan(r: PlanRow): Plan {
  const buyer: Plan['buyer'] =
    r.buyer_kind === 'reseller'
      ? { kind: 'reseller', resellerId: r.buyer_id! }
      : r.buyer_kind === 'company'
        ? { kind: 'company', companyId: r.buyer_id! }
        : { kind: 'default' };
  return {
    id: r.id,
    seller: r.seller,
    buyer,
    currency: r.currency,
    unit: r.unit,
    pricePerUnit: Exact.parse(r.price_per_unit),
    minimumPerConnectedCall: Exact.parse(r.minimum_per_connected_call),
    feePerConfirmedBooking: r.fee_per_confirmed_booking === null ? null : Exact.parse(r.fee_per_confirmed_booking),
    monthlyFee: Exact.parse(r.monthly_fee),
    includedMinutes: r.included_minutes,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
  };
}

/** Plans sold to these resellers or companies, every default plan, and plans with these ids (pins). */
export async function loadPlans(
  sql: Sql,
  parties: { buyerIds: readonly string[]; planIds: readonly string[] },
): Promise<Plan[]> {
  const rows = await sql.query<PlanRow>(
    `SELECT * FROM plans WHERE buyer_kind = 'default' OR buyer_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
    [parties.buyerIds, parties.planIds],
  );
  return rows.map(toPlan);
}

interface TwilioRateRow {
  id: string;
  direction: TwilioRate['direction'];
  number_type: TwilioRate['numberType'];
  usd_per_minute: string;
  valid_from: Date;
  valid_until: Date | null;
}

export function toTwilioRate(r: TwilioRateRow): TwilioRate {
  return {
    id: r.id,
    direction: r.direction,
    numberType: r.number_type,
    usdPerMinute: Exact.parse(r.usd_per_minute),
    unit: 'per_started_minute',
    validFrom: r.valid_from,
    validUntil: r.valid_until,
  };
}

export async function loadTwilioRates(sql: Sql): Promise<TwilioRate[]> {
  const rows = await sql.query<TwilioRateRow>('SELECT * FROM twilio_rates');
  return rows.map(toTwilioRate);
}

/** ECB rates by currency, by publication date, from `fromDay` on. */
export async function loadEcbRates(sql: Sql, fromDay: string): Promise<Map<string, KnownRates>> {
  const rows = await sql.query<{ rate_date: string; currency: string; rate: string }>(
    `SELECT to_char(rate_date, 'YYYY-MM-DD') AS rate_date, currency, rate::text AS rate FROM ecb_rates WHERE rate_date >= $1::date`,
    [fromDay],
  );
  const byCurrency = new Map<string, Map<string, Exact>>();
  for (const r of rows) {
    const known = byCurrency.get(r.currency) ?? new Map<string, Exact>();
    known.set(r.rate_date, Exact.parse(r.rate));
    byCurrency.set(r.currency, known);
  }
  return byCurrency;
}
