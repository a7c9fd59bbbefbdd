import type { CallLine, DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { PROFILE_SELECT, profileFromRow } from './branch-profile-columns';

export type EntityKind = DirectoryEntityChangedV1['entity'];
type Row = Record<string, unknown>;

/** Each kind's state as the topic carries it: its columns, and its table (with the alias they use). */
const STATE: Record<EntityKind, { columns: string; from: string; alias: string }> = {
  reseller: {
    columns: 'id, slug, name, billing_currency, active, version, updated_at',
    from: 'resellers',
    alias: 'resellers',
  },
  company: {
    columns: 'id, slug, name, reseller_id, billing_currency, active, version, updated_at',
    from: 'companies',
    alias: 'companies',
  },
  service: {
    columns: `id, company_id, slug, name, synonyms, calcom_event_type_id, duration_minutes, price_minor, currency, active,
              version, updated_at`,
    from: 'services',
    alias: 'services',
  },
  branch: {
    columns: `id, company_id, slug, name, time_zone, federal_state, working_days, default_service_id, active, version,
              updated_at, ${PROFILE_SELECT},
              ARRAY(SELECT service_id FROM branch_services WHERE branch_id = b.id ORDER BY service_id) AS service_ids`,
    from: 'branches b',
    alias: 'b',
  },
  phone_number: {
    columns: 'id, company_id, branch_id, number, number_kind, number_type, active, version, updated_at',
    from: 'phone_numbers',
    alias: 'phone_numbers',
  },
  staff: {
    columns: `id, company_id, branch_id, slug, name, calcom_user_id, active, version, updated_at,
              ARRAY(SELECT service_id FROM staff_services WHERE staff_id = s.id ORDER BY service_id) AS service_ids`,
    from: 'staff s',
    alias: 's',
  },
};

/**
 * The entity's current state as the directory topic carries it, with the version its last write
 * got (read in the writing transaction, which holds the row lock); undefined if there is none.
 */
export async function snapshot(
  sql: Sql,
  entity: EntityKind,
  id: string,
  changedAt: string,
): Promise<DirectoryEntityChangedV1 | undefined> {
  const { columns, from } = STATE[entity];
  const [r] = await sql.query<Row>(`SELECT ${columns} FROM ${from} WHERE id = $1`, [id]);
  return r ? stateOf(entity, r, changedAt) : undefined;
}

/**
 * A page of every entity of a kind in id order (after `afterId`, at most `limit`), each as the
 * topic carries it with the version and time of its last change. The rows stay share-locked until
 * the caller's transaction ends, so a change to one of them commits (and goes to the outbox) after
 * it: a state read here is never published after a newer one.
 *
 * Two statements, in this order: the first locks the page, waiting for any change that holds one
 * of its rows; the second reads the states with a snapshot taken after those changes committed.
 * In one statement (`SELECT … FOR SHARE`) a row that waited would come back in its new version
 * while the statement's older snapshot still saw the old service links (READ COMMITTED re-reads
 * only the locked row), and that mix would go out under the change's own event id.
 */
export async function currentStates(
  sql: Sql,
  entity: EntityKind,
  afterId: string,
  limit: number,
): Promise<DirectoryEntityChangedV1[]> {
  const { columns, from, alias } = STATE[entity];
  const locked = await sql.query<{ id: string }>(
    `SELECT ${alias}.id FROM ${from} WHERE id > $1 ORDER BY id LIMIT $2 FOR SHARE OF ${alias}`,
    [afterId, limit],
  );
  if (locked.length === 0) return [];
  const rows = await sql.query<Row>(`SELECT ${columns} FROM ${from} WHERE id = ANY($1::uuid[]) ORDER BY id`, [
    locked.map((r) => r.id),
  ]);
  return rows.map((r) => stateOf(entity, r, new Date(r.updated_at as Date).toISOString()));
}

function stateOf(entity: EntityKind, r: Row, changedAt: string): DirectoryEntityChangedV1 {
  const base = { id: String(r.id), active: Boolean(r.active), changedAt, version: Number(r.version) };
  switch (entity) {
    case 'reseller':
      return {
        entity,
        ...base,
        slug: String(r.slug),
        name: String(r.name),
        billingCurrency: String(r.billing_currency),
      };
    case 'company':
      return {
        entity,
        ...base,
        slug: String(r.slug),
        name: String(r.name),
        resellerId: (r.reseller_id as string | null) ?? null,
        billingCurrency: String(r.billing_currency),
      };
    case 'service':
      return {
        entity,
        ...base,
        companyId: String(r.company_id),
        slug: String(r.slug),
        name: String(r.name),
        synonyms: r.synonyms as string[],
        calcomEventTypeId: Number(r.calcom_event_type_id),
        durationMinutes: Number(r.duration_minutes),
        priceMinor: r.price_minor === null ? null : Number(r.price_minor),
        currency: String(r.currency),
      };
    case 'branch':
      return {
        entity,
        ...base,
        companyId: String(r.company_id),
        slug: String(r.slug),
        name: String(r.name),
        timeZone: String(r.time_zone),
        federalState: (r.federal_state as string | null) ?? null,
        workingDays: (r.working_days as number[]).map(Number),
        defaultServiceId: String(r.default_service_id),
        serviceIds: r.service_ids as string[],
        ...profileFromRow(r),
      };
    case 'phone_number':
      return {
        entity,
        ...base,
        companyId: String(r.company_id),
        branchId: String(r.branch_id),
        number: String(r.number),
        numberKind: r.number_kind as CallLine['numberKind'],
        numberType: (r.number_type as CallLine['numberType']) ?? null,
      };
    case 'staff':
      return {
        entity,
        ...base,
        companyId: String(r.company_id),
        branchId: String(r.branch_id),
        slug: String(r.slug),
        name: String(r.name),
        calcomUserId: r.calcom_user_id === null ? null : Number(r.calcom_user_id),
        serviceIds: r.service_ids as string[],
      };
  }
}
