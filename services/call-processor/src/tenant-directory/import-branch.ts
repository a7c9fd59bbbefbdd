import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { PROFILE_COLUMNS, profileValues } from './branch-profile-columns';
import { profileOf } from './branch-profile-input';
import { importStaff } from './import-staff';
import type { TenantsFile } from './tenants-file';
import { lineOf } from './tenants-file';

type Branch = TenantsFile['companies'][number]['branches'][number];

/** The branch's columns the file sets beside its profile, in the order of the INSERT's values. */
const COLUMNS = 'company_id slug name time_zone federal_state working_days default_service_id active'.split(' ');
const ALL = [...COLUMNS, ...PROFILE_COLUMNS];
const UPSERT_BRANCH = `INSERT INTO branches (${ALL.join(', ')}) VALUES (${ALL.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (company_id, slug) DO UPDATE SET ${ALL.slice(2)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}, updated_at = now()
  RETURNING id, version`;

/**
 * Upserts one branch of the file (by its slug within the company) with its profile, offered
 * services, numbers and staff; returns their states for the directory topic.
 */
export async function importBranch(
  sql: Sql,
  companyId: string,
  branch: Branch,
  serviceId: Map<string, string>,
  changedAt: string,
): Promise<DirectoryEntityChangedV1[]> {
  // sorted as the database gives them back (ORDER BY service_id), so a republished state is this one
  const offered = branch.services.map((slug) => serviceId.get(slug)!).sort();
  const profile = profileOf(branch);
  const [row] = await sql.query<{ id: string; version: string }>(UPSERT_BRANCH, [
    companyId,
    branch.slug,
    branch.name,
    branch.timeZone,
    branch.federalState ?? null,
    branch.workingDays,
    serviceId.get(branch.defaultService),
    branch.active,
    ...profileValues(profile),
  ]);
  const branchId = row!.id;
  await sql.query('DELETE FROM branch_services WHERE branch_id = $1 AND NOT (service_id = ANY($2::uuid[]))', [
    branchId,
    offered,
  ]);
  await sql.query(
    `INSERT INTO branch_services (branch_id, service_id, company_id) SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING`,
    [branchId, offered, companyId],
  );
  const lines = branch.phoneNumbers.map(lineOf);
  const numbers = await sql.query<{ id: string; number: string; version: string }>(
    `INSERT INTO phone_numbers (number, branch_id, company_id, active, number_kind, number_type)
     SELECT n, $2, $3, $4, k, t FROM unnest($1::text[], $5::text[], $6::text[]) AS x(n, k, t)
     ON CONFLICT (number) DO UPDATE SET branch_id = excluded.branch_id, company_id = excluded.company_id,
       active = excluded.active, number_kind = excluded.number_kind, number_type = excluded.number_type,
       updated_at = now()
     RETURNING id, number, version`,
    [
      lines.map((l) => l.number),
      branchId,
      companyId,
      branch.active,
      lines.map((l) => l.numberKind),
      lines.map((l) => l.numberType),
    ],
  );
  const lineOfNumber = new Map(lines.map((l) => [l.number, l]));
  const staff = await importStaff(sql, companyId, branchId, branch, serviceId);
  return [
    {
      entity: 'branch',
      id: branchId,
      active: branch.active,
      changedAt,
      version: Number(row!.version),
      companyId,
      slug: branch.slug,
      name: branch.name,
      timeZone: branch.timeZone,
      federalState: branch.federalState ?? null,
      workingDays: branch.workingDays,
      defaultServiceId: serviceId.get(branch.defaultService)!,
      serviceIds: offered,
      ...profile,
    },
    ...numbers.map((n) => ({
      entity: 'phone_number' as const,
      id: n.id,
      active: branch.active,
      changedAt,
      version: Number(n.version),
      companyId,
      branchId,
      number: n.number,
      numberKind: lineOfNumber.get(n.number)!.numberKind,
      numberType: lineOfNumber.get(n.number)!.numberType,
    })),
    ...branch.staff.map((m) => ({
      entity: 'staff' as const,
      id: staff.get(m.slug)!.id,
      active: m.active,
      changedAt,
      version: staff.get(m.slug)!.version,
      companyId,
      branchId,
      slug: m.slug,
      name: m.name,
      calcomUserId: m.calcomUserId ?? null,
      serviceIds: m.services.map((x) => serviceId.get(x)!).sort(),
    })),
  ];
}
