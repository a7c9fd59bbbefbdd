import type { z } from 'zod';
import type { AdminInput } from './admin-input';
import type { Change } from './admin-change';
import { first, replaceLinks, update } from './admin-change';
import { PROFILE_COLUMNS, profileColumns, profileValues } from './branch-profile-columns';
import { profileOf } from './branch-profile-input';

type Body<K extends keyof typeof AdminInput> = z.infer<(typeof AdminInput)[K]>;

const COLUMNS = 'company_id slug name time_zone federal_state working_days default_service_id'.split(' ');
const ALL = [...COLUMNS, ...PROFILE_COLUMNS];
const INSERT_BRANCH = `INSERT INTO branches (${ALL.join(', ')})
  VALUES (${ALL.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;

/**
 * Branches with the services they offer and what the phone agent needs of them (address, opening
 * hours, language, agent override, greeting name). A change replaces each profile field it gives
 * whole and leaves the others as they are.
 */
export function branchOperations(change: Change) {
  return {
    createBranch: (companyId: string, b: Body<'createBranch'>) =>
      change('branch', true, async (sql) => {
        const id = await first(sql, INSERT_BRANCH, [
          companyId,
          b.slug,
          b.name,
          b.timeZone,
          b.federalState,
          b.workingDays,
          b.defaultServiceId,
          ...profileValues(profileOf(b)),
        ]);
        if (id) await replaceLinks(sql, 'branch_services', 'branch_id', id, 'branches', b.serviceIds);
        return id;
      }),
    updateBranch: (id: string, b: Body<'updateBranch'>) =>
      change('branch', false, async (sql) => {
        const found = await update(sql, 'branches', id, {
          name: b.name,
          time_zone: b.timeZone,
          federal_state: b.federalState,
          working_days: b.workingDays,
          default_service_id: b.defaultServiceId,
          active: b.active,
          ...profileColumns(b),
        });
        if (found && b.serviceIds)
          await replaceLinks(sql, 'branch_services', 'branch_id', id, 'branches', b.serviceIds);
        return found;
      }),
  };
}
