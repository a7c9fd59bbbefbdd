import { z } from 'zod';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import { DIRECTORY_CHANGED_CHANNEL } from './import-tenants';
import type { ImportTenantsDeps } from './import-tenants-file';
import { toOutboxEvent } from './import-tenants-file';
import type { EntityKind } from './directory-snapshots';
import { snapshot } from './directory-snapshots';
import type { AdminOperation } from './admin-input';
import { AdminInput } from './admin-input';

/** Why a change was not made, as a stable code. */
export type AdminRefusal =
  | 'not_found'
  | 'invalid_body'
  | 'already_exists'
  | 'unknown_or_foreign_reference'
  | 'value_not_allowed'
  | 'malformed_value';

export type AdminResult =
  | { kind: 'created' | 'changed'; entity: DirectoryEntityChangedV1 }
  | { kind: 'refused'; code: AdminRefusal; issues?: { path: string; message: string }[] };

/** PostgreSQL's answers that are the client's doing: taken keys, unknown references, bad values. */
const CLIENT_ERRORS: Record<string, AdminRefusal> = {
  '23505': 'already_exists',
  '23503': 'unknown_or_foreign_reference',
  '23514': 'value_not_allowed',
  '22P02': 'malformed_value',
};

/**
 * Create, change and deactivate directory entities one at a time. Every change is validated
 * (`invalid_body` with the fields), lands in one transaction with its directory event in the
 * outbox and a change notice for the caches, and answers with the entity's new state. References
 * across companies are refused by the schema's composite foreign keys
 * (`unknown_or_foreign_reference`), never patched over in code.
 */
export function makeDirectoryAdmin(deps: ImportTenantsDeps) {
  async function change(
    kind: EntityKind,
    created: boolean,
    write: (sql: Sql) => Promise<string | undefined>,
  ): Promise<AdminResult> {
    const changedAt = deps.clock().toISOString();
    try {
      return await deps.transactions(async (sql) => {
        const id = await write(sql);
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
  }

  const ops = {
    createCompany: (_: string | undefined, b: z.infer<typeof AdminInput.createCompany>) =>
      change('company', true, async (sql) =>
        first(sql, 'INSERT INTO companies (slug, name, analysis_fields) VALUES ($1, $2, $3) RETURNING id', [
          b.slug,
          b.name,
          JSON.stringify(b.analysisFields),
        ]),
      ),
    updateCompany: (id: string, b: z.infer<typeof AdminInput.updateCompany>) =>
      change('company', false, (sql) =>
        update(sql, 'companies', id, {
          name: b.name,
          active: b.active,
          analysis_fields: b.analysisFields && JSON.stringify(b.analysisFields),
        }),
      ),
    createService: (companyId: string, b: z.infer<typeof AdminInput.createService>) =>
      change('service', true, (sql) =>
        first(
          sql,
          `INSERT INTO services (company_id, slug, name, synonyms, calcom_event_type_id, duration_minutes, price_minor, currency)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            companyId,
            b.slug,
            b.name,
            b.synonyms,
            b.calcomEventTypeId,
            b.durationMinutes,
            b.price?.amountMinor ?? null,
            b.price?.currency ?? 'EUR',
          ],
        ),
      ),
    updateService: (id: string, b: z.infer<typeof AdminInput.updateService>) =>
      change('service', false, (sql) =>
        update(sql, 'services', id, {
          name: b.name,
          synonyms: b.synonyms,
          calcom_event_type_id: b.calcomEventTypeId,
          duration_minutes: b.durationMinutes,
          price_minor: b.price === undefined ? undefined : (b.price?.amountMinor ?? null),
          currency: b.price ? b.price.currency : undefined,
          active: b.active,
        }),
      ),
    createBranch: (companyId: string, b: z.infer<typeof AdminInput.createBranch>) =>
      change('branch', true, async (sql) => {
        const id = await first(
          sql,
          `INSERT INTO branches (company_id, slug, name, time_zone, federal_state, working_days, default_service_id)
                                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [companyId, b.slug, b.name, b.timeZone, b.federalState, b.workingDays, b.defaultServiceId],
        );
        if (id) await replaceLinks(sql, 'branch_services', 'branch_id', id, 'branches', b.serviceIds);
        return id;
      }),
    updateBranch: (id: string, b: z.infer<typeof AdminInput.updateBranch>) =>
      change('branch', false, async (sql) => {
        const found = await update(sql, 'branches', id, {
          name: b.name,
          time_zone: b.timeZone,
          federal_state: b.federalState,
          working_days: b.workingDays,
          default_service_id: b.defaultServiceId,
          active: b.active,
        });
        if (found && b.serviceIds)
          await replaceLinks(sql, 'branch_services', 'branch_id', id, 'branches', b.serviceIds);
        return found;
      }),
    addPhoneNumber: (branchId: string, b: z.infer<typeof AdminInput.addPhoneNumber>) =>
      change('phone_number', true, (sql) =>
        first(
          sql,
          'INSERT INTO phone_numbers (number, branch_id, company_id) SELECT $1, id, company_id FROM branches WHERE id = $2 RETURNING id',
          [b.number, branchId],
        ),
      ),
    updatePhoneNumber: (id: string, b: z.infer<typeof AdminInput.updatePhoneNumber>) =>
      change('phone_number', false, async (sql) => {
        if (b.branchId) {
          // moving a number moves it with its branch's company; both columns in one statement
          const moved = await first(
            sql,
            'UPDATE phone_numbers p SET branch_id = b.id, company_id = b.company_id, updated_at = now() FROM branches b WHERE p.id = $1 AND b.id = $2 RETURNING p.id',
            [id, b.branchId],
          );
          if (!moved) return undefined;
        }
        return update(sql, 'phone_numbers', id, { active: b.active });
      }),
    createStaff: (branchId: string, b: z.infer<typeof AdminInput.createStaff>) =>
      change('staff', true, async (sql) => {
        const id = await first(
          sql,
          `INSERT INTO staff (company_id, branch_id, slug, name, calcom_user_id)
                                     SELECT company_id, id, $2, $3, $4 FROM branches WHERE id = $1 RETURNING id`,
          [branchId, b.slug, b.name, b.calcomUserId],
        );
        if (id) await replaceLinks(sql, 'staff_services', 'staff_id', id, 'staff', b.serviceIds);
        return id;
      }),
    updateStaff: (id: string, b: z.infer<typeof AdminInput.updateStaff>) =>
      change('staff', false, async (sql) => {
        const found = await update(sql, 'staff', id, {
          name: b.name,
          calcom_user_id: b.calcomUserId,
          active: b.active,
        });
        if (found && b.serviceIds) await replaceLinks(sql, 'staff_services', 'staff_id', id, 'staff', b.serviceIds);
        return found;
      }),
  };

  /** Validates the body for the operation, then runs it; `target` is the id in the path. */
  return async function administer(
    operation: AdminOperation,
    target: string | undefined,
    body: unknown,
  ): Promise<AdminResult> {
    if (target !== undefined && !z.uuid().safeParse(target).success) return { kind: 'refused', code: 'not_found' };
    const parsed = AdminInput[operation].safeParse(body);
    if (!parsed.success) {
      return {
        kind: 'refused',
        code: 'invalid_body',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
      };
    }
    return (ops[operation] as (t: string | undefined, b: unknown) => Promise<AdminResult>)(target, parsed.data);
  };
}

async function first(sql: Sql, text: string, params: unknown[]): Promise<string | undefined> {
  const [row] = await sql.query<{ id: string }>(text, params);
  return row?.id;
}

/** UPDATE of the given columns (undefined = unchanged); returns the id if the row exists. */
async function update(
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
async function replaceLinks(
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
