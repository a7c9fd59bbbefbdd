import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { TenantsFile } from './tenants-file';

/**
 * The file's resellers, upserted by slug in one statement: their ids by slug (for the companies
 * that name them) and each one's new state for the directory topic, with the version the
 * database gave the row.
 */
export async function importResellers(
  sql: Sql,
  resellers: TenantsFile['resellers'],
  changedAt: string,
): Promise<{ idOf: Map<string, string>; events: DirectoryEntityChangedV1[] }> {
  if (resellers.length === 0) return { idOf: new Map(), events: [] };
  const rows = await sql.query<{ id: string; slug: string; version: string }>(
    `INSERT INTO resellers (slug, name, billing_currency, active)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[])
     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, billing_currency = excluded.billing_currency,
       active = excluded.active, updated_at = now()
     RETURNING id, slug, version`,
    [
      resellers.map((r) => r.slug),
      resellers.map((r) => r.name),
      resellers.map((r) => r.billingCurrency),
      resellers.map((r) => r.active),
    ],
  );
  const row = new Map(rows.map((r) => [r.slug, r]));
  return {
    idOf: new Map(rows.map((r) => [r.slug, r.id])),
    events: resellers.map((r) => ({
      entity: 'reseller',
      id: row.get(r.slug)!.id,
      active: r.active,
      changedAt,
      version: Number(row.get(r.slug)!.version),
      slug: r.slug,
      name: r.name,
      billingCurrency: r.billingCurrency,
    })),
  };
}
