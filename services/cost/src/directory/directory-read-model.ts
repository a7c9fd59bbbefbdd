import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import { DirectoryEntityChangedV1Schema } from '@rb/contracts';
import type { MessageHandler, Sql } from '@rb/kafka-runner';
import { decodeContractMessage } from '@rb/kafka-runner';
import type { CompanyAccount } from '../costing/cost-inputs';

/** One directory entity as cost keeps it: names for reports, resellers and currencies for costing. */
export interface DirectoryRow {
  id: string;
  entity: DirectoryEntityChangedV1['entity'];
  companyId: string | null;
  resellerId: string | null;
  name: string;
  billingCurrency: string | null;
  active: boolean;
  version: number | null;
  changedAt: string;
}

export function toDirectoryRow(event: DirectoryEntityChangedV1): DirectoryRow {
  const common = { id: event.id, entity: event.entity, active: event.active, version: event.version ?? null };
  const rest = { changedAt: event.changedAt };
  switch (event.entity) {
    case 'reseller':
      return {
        ...common,
        ...rest,
        companyId: null,
        resellerId: null,
        name: event.name,
        billingCurrency: event.billingCurrency,
      };
    case 'company':
      return {
        ...common,
        ...rest,
        companyId: event.id,
        resellerId: event.resellerId ?? null,
        name: event.name,
        billingCurrency: event.billingCurrency ?? 'EUR',
      };
    case 'phone_number':
      // ids, never the number itself: reports name a line by its branch
      return {
        ...common,
        ...rest,
        companyId: event.companyId,
        resellerId: null,
        name: event.id,
        billingCurrency: null,
      };
    default:
      return {
        ...common,
        ...rest,
        companyId: event.companyId,
        resellerId: null,
        name: event.name,
        billingCurrency: null,
      };
  }
}

/**
 * tenants.directory.v1 → `directory_entities`, with the standard recipe (inbox by `ce_id`). The
 * topic is compacted and replayed from the start, so an older state never overwrites a newer
 * one: newer is the higher `version` (assigned by call-processor's database in commit order),
 * or the later `changedAt` when either state has none (events from before the field).
 */
export function makeDirectoryReadModel(): MessageHandler<DirectoryRow> {
  return {
    decode(message) {
      const { envelope, value } = decodeContractMessage(message, DirectoryEntityChangedV1Schema, 'directory event');
      return { eventId: envelope.id, eventType: value.entity, event: toDirectoryRow(value) };
    },
    async apply(row, { sql }) {
      await upsertDirectoryRow(sql, row);
      return [];
    },
  };
}

export async function upsertDirectoryRow(sql: Sql, r: DirectoryRow): Promise<void> {
  await sql.query(
    `INSERT INTO directory_entities (id, entity, company_id, reseller_id, name, billing_currency, active, version, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET entity = excluded.entity, company_id = excluded.company_id,
       reseller_id = excluded.reseller_id, name = excluded.name, billing_currency = excluded.billing_currency,
       active = excluded.active, version = excluded.version, changed_at = excluded.changed_at
     WHERE CASE WHEN directory_entities.version IS NULL OR excluded.version IS NULL
                THEN directory_entities.changed_at <= excluded.changed_at
                ELSE directory_entities.version < excluded.version END`,
    [r.id, r.entity, r.companyId, r.resellerId, r.name, r.billingCurrency, r.active, r.version, r.changedAt],
  );
}

/** The companies' accounts as costing needs them (reseller and currencies); unknown ids are absent. */
export async function loadCompanyAccounts(
  sql: Sql,
  companyIds: readonly string[],
): Promise<Map<string, CompanyAccount>> {
  if (companyIds.length === 0) return new Map();
  const rows = await sql.query<{
    id: string;
    reseller_id: string | null;
    billing_currency: string;
    reseller_currency: string | null;
  }>(
    `SELECT c.id, c.reseller_id, coalesce(c.billing_currency, 'EUR') AS billing_currency, r.billing_currency AS reseller_currency
       FROM directory_entities c
       LEFT JOIN directory_entities r ON r.id = c.reseller_id AND r.entity = 'reseller'
      WHERE c.entity = 'company' AND c.id = ANY($1::uuid[])`,
    [companyIds],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        companyId: r.id,
        resellerId: r.reseller_id,
        billingCurrency: r.billing_currency,
        // null while the reseller itself is not in the directory yet: such a company's calls wait
        resellerCurrency: r.reseller_id ? r.reseller_currency : null,
      },
    ]),
  );
}
