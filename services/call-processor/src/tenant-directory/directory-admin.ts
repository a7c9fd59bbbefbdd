import { z } from 'zod';
import type { AdminOperation } from './admin-input';
import { AdminInput } from './admin-input';
import type { AdminResult } from './admin-change';
import { first, makeChange, replaceLinks, update } from './admin-change';
import { branchOperations } from './admin-branch-operations';
import { companyOperations } from './admin-company-operations';
import type { ImportTenantsDeps } from './import-tenants-file';

export type { AdminRefusal, AdminResult } from './admin-change';

/**
 * Create, change and deactivate directory entities one at a time (resellers and companies:
 * admin-company-operations.ts; branches: admin-branch-operations.ts). Every change is validated
 * (`invalid_body` with the fields, also for a reseller slug that names none), lands in one
 * transaction with its directory event in the outbox and a change notice for the caches, and
 * answers with the entity's new state. References across companies are refused by the schema's
 * composite foreign keys (`unknown_or_foreign_reference`), never patched over in code.
 */
export function makeDirectoryAdmin(deps: ImportTenantsDeps) {
  const change = makeChange(deps);
  const ops = {
    ...companyOperations(change),
    ...branchOperations(change),
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
    addPhoneNumber: (branchId: string, b: z.infer<typeof AdminInput.addPhoneNumber>) =>
      change('phone_number', true, (sql) =>
        first(
          sql,
          `INSERT INTO phone_numbers (number, branch_id, company_id, number_kind, number_type)
           SELECT $1, id, company_id, $3, $4 FROM branches WHERE id = $2 RETURNING id`,
          [b.number, branchId, b.numberKind, b.numberType],
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
        return update(sql, 'phone_numbers', id, {
          active: b.active,
          number_kind: b.numberKind,
          number_type: b.numberType,
        });
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
