import { Exact, formatUnits } from '../money/exact';
import type { ReportSums } from './report.repository';

/** Who reads a report: the operator sees everything; a reseller not the platform's cost and profit. */
export type Audience = 'operator' | 'reseller';

/** One row of a report: amounts in EUR as decimal strings to the cent, ratios to 4 decimals, null where undefined. */
export interface ReportRow {
  groupId: string | null;
  name: string | null;
  periodStart: string;
  calls: number;
  minutes: string;
  baseCostEur?: string;
  wholesaleEur: string;
  retailEur: string;
  platformProfitEur?: string;
  resellerProfitEur: string;
  platformMargin?: string | null;
  resellerMargin: string | null;
  confirmedBookings: number;
  costPerBookingEur?: string | null;
  conversion: string | null;
  alternativeShare: string | null;
}

const cents = (x: Exact): string => formatUnits(x.roundTo(2), 2);
const ratio = (part: Exact, whole: Exact): string | null =>
  whole.isZero() ? null : formatUnits(part.dividedBy(whole).roundTo(4), 4);

/**
 * A group's sums as a report row, exactly: every figure is computed from PostgreSQL's numeric text
 * with `Exact` and rounded once, half away from zero (money to the cent, margins and ratios to 4
 * decimals, minutes to 2). Margin = that party's profit ÷ its revenue (platform: wholesale; reseller:
 * the retail of calls it sold); cost per booking = base cost ÷ confirmed bookings; conversion =
 * confirmed bookings ÷ calls; alternative share = bookings that took an alternative ÷ confirmed.
 * A reseller's rows leave out base cost, platform profit and margin and cost per booking: what the
 * platform pays and earns is the platform's business.
 */
export function toReportRow(sums: ReportSums, audience: Audience): ReportRow {
  const x = (text: string) => Exact.parse(text);
  const [calls, bookings, alternatives] = [x(sums.calls), x(sums.confirmed_bookings), x(sums.alternative_bookings)];
  const [baseCost, wholesale, platformProfit] = [x(sums.base_cost), x(sums.wholesale), x(sums.platform_profit)];
  const resellerProfit = x(sums.reseller_profit);
  const row: ReportRow = {
    groupId: sums.group_id,
    name: sums.name,
    periodStart: sums.period_start,
    calls: Number(calls.roundTo(0)),
    minutes: cents(x(sums.connected_seconds).dividedBy(Exact.of(60n))),
    baseCostEur: cents(baseCost),
    wholesaleEur: cents(wholesale),
    retailEur: cents(x(sums.retail)),
    platformProfitEur: cents(platformProfit),
    resellerProfitEur: cents(resellerProfit),
    platformMargin: ratio(platformProfit, wholesale),
    resellerMargin: ratio(resellerProfit, x(sums.resold_retail)),
    confirmedBookings: Number(bookings.roundTo(0)),
    costPerBookingEur: bookings.isZero() ? null : cents(baseCost.dividedBy(bookings)),
    conversion: ratio(bookings, calls),
    alternativeShare: ratio(alternatives, bookings),
  };
  return audience === 'operator' ? row : withoutPlatformFigures(row);
}

function withoutPlatformFigures(row: ReportRow): ReportRow {
  const { baseCostEur, platformProfitEur, platformMargin, costPerBookingEur, ...rest } = row;
  void [baseCostEur, platformProfitEur, platformMargin, costPerBookingEur];
  return rest;
}
