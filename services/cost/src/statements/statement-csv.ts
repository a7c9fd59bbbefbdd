import { formatUnits } from '../money/exact';
import type { MonthlyStatement } from './monthly-statement';

const HEADER = [
  'line',
  'call_id',
  'call_day',
  'started_at',
  'connected_seconds',
  'plan_id',
  'currency',
  'amount',
  'credit',
];

/**
 * A statement as CSV (RFC 4180: comma-separated, CRLF line ends, a field with a comma, quote or
 * line break in double quotes, quotes doubled): a header row, one row per call (its amount and its
 * included-minutes credit), then the monthly fee, the credit (negative) and the total. The amount
 * column of the call, fee and credit rows adds up to the total row. Amounts with a decimal point
 * and exactly 2 decimals; instants in UTC ISO 8601; ids only, never personal data.
 */
export function statementCsv(statement: MonthlyStatement): string {
  const { currency } = statement;
  const money = (cents: bigint) => formatUnits(cents, 2);
  const rows: string[][] = [
    HEADER,
    ...statement.calls.map((c) => [
      'call',
      c.callId,
      c.callDay,
      c.startedAt.toISOString(),
      String(c.connectedSeconds),
      c.planId,
      currency,
      money(c.amountCents),
      money(c.creditCents),
    ]),
    ['monthly_fee', '', '', '', '', statement.feePlanId ?? '', currency, money(statement.monthlyFeeCents), ''],
    ['included_minutes_credit', '', '', '', '', statement.feePlanId ?? '', currency, money(-statement.creditCents), ''],
    ['total', '', '', '', '', '', currency, money(statement.totalCents), ''],
  ];
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/** One field, quoted only when it must be (RFC 4180 §2.6, §2.7). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
