import type { Sql } from '@rb/kafka-runner';
import type { RateDay } from './ecb-files';
import { parseEcbHistoryCsv, parseEcbXml } from './ecb-files';

export type EcbImportResult =
  | {
      kind: 'imported';
      days: number;
      /** day-currency pairs new to the table */
      added: number;
      /** pairs already there with the same rate */
      unchanged: number;
      /** pairs already there with another rate: kept as they were (a published rate is final), named here */
      conflicts: string[];
    }
  | { kind: 'invalid'; problems: string[] };

/** The ECB's daily / 90-day / history XML, or the history CSV, told apart by their first character. */
export function parseEcbFile(
  text: string,
): { kind: 'parsed'; days: RateDay[] } | { kind: 'invalid'; problems: string[] } {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return { kind: 'invalid', problems: ['the file is empty'] };
  return trimmed.startsWith('<') ? parseEcbXml(trimmed) : parseEcbHistoryCsv(trimmed);
}

/**
 * Writes the ECB's reference rates into `ecb_rates`. A published rate is final: a pair already
 * stored is never changed (calls costed at it stay costed at it); one that differs is reported
 * as a conflict. Nothing is written when the file has any problem. One statement.
 */
export async function importEcbRates(sql: Sql, text: string, now: Date): Promise<EcbImportResult> {
  const parsed = parseEcbFile(text);
  if (parsed.kind === 'invalid') return parsed;
  const dates: string[] = [];
  const currencies: string[] = [];
  const rates: string[] = [];
  for (const day of parsed.days)
    for (const [currency, rate] of day.rates) {
      dates.push(day.date);
      currencies.push(currency);
      rates.push(rate.toDecimalString(12));
    }
  const rows = await sql.query<{ rate_date: string; currency: string; added: boolean; same: boolean }>(
    `WITH input AS (SELECT * FROM unnest($1::date[], $2::text[], $3::numeric[]) AS i(rate_date, currency, rate)),
          inserted AS (INSERT INTO ecb_rates (rate_date, currency, rate, imported_at)
                       SELECT rate_date, currency, rate, $4 FROM input ON CONFLICT DO NOTHING RETURNING rate_date, currency)
     SELECT to_char(i.rate_date, 'YYYY-MM-DD') AS rate_date, i.currency,
            (n.rate_date IS NOT NULL) AS added, (e.rate = i.rate) AS same
       FROM input i
       LEFT JOIN inserted n ON n.rate_date = i.rate_date AND n.currency = i.currency
       LEFT JOIN ecb_rates e ON e.rate_date = i.rate_date AND e.currency = i.currency`,
    [dates, currencies, rates, now],
  );
  const added = rows.filter((r) => r.added).length;
  const conflicts = rows.filter((r) => !r.added && r.same === false).map((r) => `${r.rate_date} ${r.currency}`);
  return {
    kind: 'imported',
    days: parsed.days.length,
    added,
    unchanged: rows.length - added - conflicts.length,
    conflicts,
  };
}
