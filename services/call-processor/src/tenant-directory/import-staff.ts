import type { Sql } from '@rb/kafka-runner';
import type { TenantsFile } from './tenants-file';

type Branch = TenantsFile['companies'][number]['branches'][number];

/**
 * A branch's staff, upserted by slug within the branch, with their skills replaced by what the
 * file says (another company's services are refused by the composite foreign keys). Returns each
 * member's id and the version the database gave the row.
 */
export async function importStaff(
  sql: Sql,
  companyId: string,
  branchId: string,
  branch: Branch,
  serviceId: Map<string, string>,
): Promise<Map<string, { id: string; version: number }>> {
  if (branch.staff.length === 0) return new Map();
  const m = branch.staff;
  const rows = await sql.query<{ id: string; slug: string; version: string }>(
    `INSERT INTO staff (company_id, branch_id, slug, name, calcom_user_id, active)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::int[], $6::bool[])
     ON CONFLICT (branch_id, slug) DO UPDATE SET name = excluded.name, calcom_user_id = excluded.calcom_user_id,
       active = excluded.active, updated_at = now()
     RETURNING id, slug, version`,
    [
      companyId,
      branchId,
      m.map((x) => x.slug),
      m.map((x) => x.name),
      m.map((x) => x.calcomUserId ?? null),
      m.map((x) => x.active),
    ],
  );
  const staffId = new Map(rows.map((r) => [r.slug, r.id]));
  const pairs = m.flatMap((x) => x.services.map((s) => [staffId.get(x.slug)!, serviceId.get(s)!] as const));
  await sql.query('DELETE FROM staff_services WHERE staff_id = ANY($1::uuid[])', [[...staffId.values()]]);
  await sql.query(
    `INSERT INTO staff_services (staff_id, service_id, company_id) SELECT s, v, $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(s, v)`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1]), companyId],
  );
  return new Map(rows.map((r) => [r.slug, { id: r.id, version: Number(r.version) }]));
}
