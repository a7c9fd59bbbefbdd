import type { Sql } from '@rb/kafka-runner';
import type { TwilioRate } from '../costing/cost-inputs';
import { toTwilioRate } from '../ledger/price-tables';
import { lockPriceKey } from './price-lock';

/** A stored Twilio rate and who decided it when. */
export interface TwilioRateRecord {
  rate: TwilioRate;
  createdAt: Date;
  createdBy: string;
}

type RecordRow = Parameters<typeof toTwilioRate>[0] & { created_at: Date; created_by: string };
const toRecord = (r: RecordRow): TwilioRateRecord => ({
  rate: toTwilioRate(r),
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** Locks the rate's (direction, number type) for the transaction, then reads every rate of that pair. */
export async function lockedRatesOfPair(sql: Sql, rate: TwilioRate): Promise<TwilioRate[]> {
  await lockPriceKey(sql, `twilio_rates|${rate.direction}|${rate.numberType}`);
  const rows = await sql.query<RecordRow>('SELECT * FROM twilio_rates WHERE direction = $1 AND number_type = $2', [
    rate.direction,
    rate.numberType,
  ]);
  return rows.map(toTwilioRate);
}

/** Stores a new rate; false when its id is taken. */
export async function insertTwilioRate(
  sql: Sql,
  rate: TwilioRate,
  createdBy: string,
  createdAt: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO twilio_rates (id, direction, number_type, usd_per_minute, valid_from, valid_until, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      rate.id,
      rate.direction,
      rate.numberType,
      rate.usdPerMinute.toDecimalString(),
      rate.validFrom,
      rate.validUntil,
      createdAt,
      createdBy,
    ],
  );
  return rows.length === 1;
}

export async function findTwilioRateForUpdate(sql: Sql, id: string): Promise<TwilioRateRecord | null> {
  const rows = await sql.query<RecordRow>('SELECT * FROM twilio_rates WHERE id = $1 FOR UPDATE', [id]);
  const [row] = rows;
  return row ? toRecord(row) : null;
}

/** Ends a rate at `validUntil` (the only change a stored rate ever takes). */
export async function endTwilioRate(sql: Sql, id: string, validUntil: Date): Promise<TwilioRateRecord> {
  const rows = await sql.query<RecordRow>('UPDATE twilio_rates SET valid_until = $2 WHERE id = $1 RETURNING *', [
    id,
    validUntil,
  ]);
  return toRecord(rows[0]!);
}

/** Rates, optionally of one direction and number type, oldest validity first. */
export async function listTwilioRates(
  sql: Sql,
  filter: { direction: string | null; numberType: string | null },
): Promise<TwilioRateRecord[]> {
  const rows = await sql.query<RecordRow>(
    `SELECT * FROM twilio_rates WHERE ($1::text IS NULL OR direction = $1) AND ($2::text IS NULL OR number_type = $2)
      ORDER BY direction, number_type, valid_from, id`,
    [filter.direction, filter.numberType],
  );
  return rows.map(toRecord);
}
