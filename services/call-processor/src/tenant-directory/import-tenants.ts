import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { importBranch } from './import-branch';
import { importResellers } from './import-resellers';
import type { TenantsFile } from './tenants-file';

type Company = TenantsFile['companies'][number];
export const DIRECTORY_CHANGED_CHANNEL = 'tenant_directory_changed';

/**
 * Names the time of the transaction's directory change (its events' `changedAt`): every directory
 * row it inserts or updates stores it as updated_at (a trigger), so a republished state carries
 * the time its change was published with. Until the transaction ends.
 */
export async function stampChangeTime(sql: Sql, changedAt: string): Promise<void> {
  await sql.query("SELECT set_config('rb.directory_changed_at', $1, true)", [changedAt]);
}

/**
 * Upserts a validated tenants file (natural keys: reseller slug, company slug, service and branch
 * slug within the company, staff slug within the branch, the number itself) inside the caller's transaction,
 * and returns every entity's new state for the directory topic. Offered services and staff skills
 * are replaced by what the file says; entities the file does not mention are left as they are
 * (deactivate with `active: false`). Each event carries the version the database gave the row in
 * this transaction. Listeners are told to reload their cache at commit.
 */
export async function importTenants(
  sql: Sql,
  file: TenantsFile,
  changedAt: string,
): Promise<DirectoryEntityChangedV1[]> {
  await stampChangeTime(sql, changedAt);
  const resellers = await importResellers(sql, file.resellers, changedAt);
  const events: DirectoryEntityChangedV1[] = [...resellers.events];
  for (const company of file.companies) {
    const resellerId = company.reseller === undefined ? null : resellers.idOf.get(company.reseller)!;
    events.push(...(await importCompany(sql, company, resellerId, changedAt)));
  }
  await sql.query('SELECT pg_notify($1, $2)', [DIRECTORY_CHANGED_CHANNEL, changedAt]);
  return events;
}

async function importCompany(
  sql: Sql,
  company: Company,
  resellerId: string | null,
  changedAt: string,
): Promise<DirectoryEntityChangedV1[]> {
  const [row] = await sql.query<{ id: string; version: string }>(
    `INSERT INTO companies (slug, name, active, analysis_fields, reseller_id, billing_currency)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, active = excluded.active,
       analysis_fields = excluded.analysis_fields, reseller_id = excluded.reseller_id,
       billing_currency = excluded.billing_currency, updated_at = now() RETURNING id, version`,
    [
      company.slug,
      company.name,
      company.active,
      JSON.stringify(company.analysisFields),
      resellerId,
      company.billingCurrency,
    ],
  );
  const companyId = row!.id;
  const s = company.services;
  const services = await sql.query<{ id: string; slug: string; version: string }>(
    `INSERT INTO services (company_id, slug, name, synonyms, calcom_event_type_id, duration_minutes, price_minor, currency, active)
     SELECT $1, slug, name, ARRAY(SELECT jsonb_array_elements_text(synonyms)), event_type, duration, price, currency, active
     FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::int[], $6::int[], $7::int[], $8::text[], $9::bool[])
       AS t(slug, name, synonyms, event_type, duration, price, currency, active)
     ON CONFLICT (company_id, slug) DO UPDATE SET name = excluded.name, synonyms = excluded.synonyms,
       calcom_event_type_id = excluded.calcom_event_type_id, duration_minutes = excluded.duration_minutes,
       price_minor = excluded.price_minor, currency = excluded.currency, active = excluded.active, updated_at = now()
     RETURNING id, slug, version`,
    [
      companyId,
      s.map((x) => x.slug),
      s.map((x) => x.name),
      s.map((x) => JSON.stringify(x.synonyms)),
      s.map((x) => x.calcomEventTypeId),
      s.map((x) => x.durationMinutes),
      s.map((x) => x.price?.amountMinor ?? null),
      s.map((x) => x.price?.currency ?? 'EUR'),
      s.map((x) => x.active),
    ],
  );
  const serviceId = new Map(services.map((r) => [r.slug, r.id]));
  const serviceVersion = new Map(services.map((r) => [r.slug, Number(r.version)]));
  const events: DirectoryEntityChangedV1[] = [
    {
      entity: 'company',
      id: companyId,
      active: company.active,
      changedAt,
      version: Number(row!.version),
      slug: company.slug,
      name: company.name,
      resellerId,
      billingCurrency: company.billingCurrency,
    },
    ...s.map((x) => ({
      entity: 'service' as const,
      id: serviceId.get(x.slug)!,
      active: x.active,
      changedAt,
      version: serviceVersion.get(x.slug)!,
      companyId,
      slug: x.slug,
      name: x.name,
      synonyms: x.synonyms,
      calcomEventTypeId: x.calcomEventTypeId,
      durationMinutes: x.durationMinutes,
      priceMinor: x.price?.amountMinor ?? null,
      currency: x.price?.currency ?? 'EUR',
    })),
  ];
  for (const branch of company.branches)
    events.push(...(await importBranch(sql, companyId, branch, serviceId, changedAt)));
  return events;
}
