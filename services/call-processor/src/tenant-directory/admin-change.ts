import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import type { EntityKind } from './directory-snapshots';
import { snapshot } from './directory-snapshots';
import { DIRECTORY_CHANGED_CHANNEL, stampChangeTime } from './import-tenants';
import type { ImportTenantsDeps } from './import-tenants-file';
import { toOutboxEvent } from './import-tenants-file';

/** Why a change was not made, as a stable code. */
export type AdminRefusal =
  | 'not_found'
  | 'invalid_body'
  | 'already_exists'
  | 'unknown_or_foreign_reference'
  | 'value_not_allowed'
  | 'malformed_value';

export type Refused = { kind: 'refused'; code: AdminRefusal; issues?: { path: string; message: string }[] };
export type AdminResult = { kind: 'created' | 'changed'; entity: DirectoryEntityChangedV1 } | Refused;

/** PostgreSQL's answers that are the client's doing: taken keys, unknown references, bad values. */
const CLIENT_ERRORS: Record<string, AdminRefusal> = {
  '23505': 'already_exists',
  '23503': 'unknown_or_foreign_reference',
  '23514': 'value_not_allowed',
  '22P02': 'malformed_value',
};

/** One entity's write: the id of the row it wrote (undefined: no such row), or why it refused to write. */
export type Write = (sql: Sql) => Promise<string | undefined | Refused>;
export type Change = (kind: EntityKind, created: boolean, write: Write) => Promise<AdminResult>;

/**
 * Runs one entity's write in a transaction with its directory event in the outbox and a change
 * notice for the caches, and answers with the entity's new state; the database's refusals that
 * are the client's doing become refusals with their detail.
 */
export function makeChange(deps: ImportTenantsDeps): Change {
  return async (kind, created, write) => {
    const changedAt = deps.clock().toISOString();
    try {
      return await deps.transactions(async (sql) => {
        await stampChangeTime(sql, changedAt);
        const id = await write(sql);
        if (typeof id === 'object') return id;
        const state = id ? await snapshot(sql, kind, id, changedAt) : undefined;
        if (!state) return { kind: 'refused', code: 'not_found' } as const;
        await appendOutbox(sql, [toOutboxEvent(state, deps)]);
        await sql.query('SELECT pg_notify($1, $2)', [DIRECTORY_CHANGED_CHANNEL, changedAt]);
        return { kind: created ? 'created' : 'changed', entity: state } as const;
      });
    } catch (error) {
      const known = CLIENT_ERRORS[(error as { code?: string }).code ?? ''];
      if (!known) throw error;
      const detail =
        (error as { detail?: string; constraint?: string }).detail ?? (error as { constraint?: string }).constraint;
      return {
        kind: 'refused',
        code: known,
        issues: detail ? [{ path: '(body)', message: detail }] : undefined,
      };
    }
  };
}

export async function first(sql: Sql, text: string, params: unknown[]): Promise<string | undefined> {
  const [row] = await sql.query<{ id: string }>(text, params);
  return row?.id;
}

/** UPDATE of the given columns (undefined = unchanged); returns the id if the row exists. */
export async function update(
  sql: Sql,
  table: string,
  id: string,
  columns: Record<string, unknown>,
): Promise<string | undefined> {
  const set = Object.entries(columns).filter(([, v]) => v !== undefined);
  const assignments = [...set.map(([c], i) => `${c} = $${i + 2}`), 'updated_at = now()'].join(', ');
  return first(sql, `UPDATE ${table} SET ${assignments} WHERE id = $1 RETURNING id`, [id, ...set.map(([, v]) => v)]);
}

/** Replaces an entity's service links; the composite foreign keys refuse another company's services. */
export async function replaceLinks(
  sql: Sql,
  table: 'branch_services' | 'staff_services',
  column: 'branch_id' | 'staff_id',
  id: string,
  owner: 'branches' | 'staff',
  serviceIds: string[],
): Promise<void> {
  await sql.query(`DELETE FROM ${table} WHERE ${column} = $1 AND NOT (service_id = ANY($2::uuid[]))`, [id, serviceIds]);
  await sql.query(
    `INSERT INTO ${table} (${column}, service_id, company_id) SELECT $1, unnest($2::uuid[]), company_id FROM ${owner} WHERE id = $1 ON CONFLICT DO NOTHING`,
    [id, serviceIds],
  );
}
