import type { Sql } from '@rb/kafka-runner';
import type { Caller } from './caller';
import { resellerScope } from './caller';

export interface VisibleCompany {
  id: string;
  name: string;
  resellerId: string | null;
  billingCurrency: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids: anything else names nothing (and never reaches PostgreSQL as a malformed uuid). */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * A company as the caller may see it: the operator sees every company of the directory; a reseller
 * only those whose reseller is it. Null for an unknown company and for another reseller's alike, so
 * an answer never tells a reseller that a company it does not own exists.
 */
export async function findVisibleCompany(db: Sql, caller: Caller, companyId: string): Promise<VisibleCompany | null> {
  if (!isUuid(companyId)) return null;
  const rows = await db.query<{
    id: string;
    name: string;
    reseller_id: string | null;
    billing_currency: string | null;
  }>(
    `SELECT id, name, reseller_id, billing_currency FROM directory_entities
      WHERE entity = 'company' AND id = $1 AND ($2::uuid IS NULL OR reseller_id = $2::uuid)`,
    [companyId, resellerScope(caller)],
  );
  const [row] = rows;
  if (!row) return null;
  return { id: row.id, name: row.name, resellerId: row.reseller_id, billingCurrency: row.billing_currency };
}
