import type { CallLine } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import type { CompanyAnalysisFields } from '../caller-wish/analysis-fields';
import type { BusinessRoute, OfferedService, StaffMember } from '../caller-wish/wish-inputs';

/** Everything the call path needs about the business behind one number, and whether it takes calls. */
export interface NumberRoute extends BusinessRoute {
  active: boolean;
  /** the number's kind (bought through Retell or imported from Twilio) and type */
  line: CallLine;
}

/** The directory as the call path reads it: by E.164 number, in memory. */
export class Directory {
  private readonly byId: ReadonlyMap<string, NumberRoute>;
  constructor(private readonly routes: ReadonlyMap<string, NumberRoute>) {
    this.byId = new Map([...routes.values()].map((r) => [r.attribution.phoneNumberId, r]));
  }
  route(number: string | undefined): NumberRoute | undefined {
    return number ? this.routes.get(number) : undefined;
  }
  /** The route of a number by its id, active or not (for calls routed before a change). */
  routeById(phoneNumberId: string): NumberRoute | undefined {
    return this.byId.get(phoneNumberId);
  }
  get size(): number {
    return this.routes.size;
  }
}

interface RouteRow {
  number: string;
  phone_number_id: string;
  branch_id: string;
  company_id: string;
  active: boolean;
  time_zone: string;
  default_service_id: string;
  analysis_fields: CompanyAnalysisFields;
  number_kind: CallLine['numberKind'];
  number_type: CallLine['numberType'];
}

/**
 * Loads the whole directory in three queries (numbers with their branch, offered services, staff
 * with skills), never per call: the webhook path reads the result from memory.
 */
export async function loadDirectory(sql: Sql): Promise<Directory> {
  const [routes, services, staff] = [
    await sql.query<RouteRow>(
      `SELECT p.number, p.id AS phone_number_id, p.branch_id, p.company_id, b.time_zone, b.default_service_id,
              c.analysis_fields, p.number_kind, p.number_type, (p.active AND b.active AND c.active) AS active
       FROM phone_numbers p JOIN branches b ON b.id = p.branch_id JOIN companies c ON c.id = p.company_id`,
    ),
    await sql.query<OfferedService & { branch_id: string }>(
      `SELECT bs.branch_id, s.id, s.slug, s.name, s.synonyms, s.calcom_event_type_id AS "calcomEventTypeId",
              s.duration_minutes AS "durationMinutes"
       FROM branch_services bs JOIN services s ON s.id = bs.service_id WHERE s.active`,
    ),
    await sql.query<StaffMember & { branch_id: string }>(
      `SELECT st.branch_id, st.id, st.name, st.calcom_user_id AS "calcomUserId",
              COALESCE(array_agg(ss.service_id) FILTER (WHERE ss.service_id IS NOT NULL), '{}') AS "serviceIds"
       FROM staff st LEFT JOIN staff_services ss ON ss.staff_id = st.id WHERE st.active GROUP BY st.id`,
    ),
  ];
  const byBranch = <T extends { branch_id: string }>(rows: T[]) => {
    const map = new Map<string, Omit<T, 'branch_id'>[]>();
    for (const { branch_id, ...rest } of rows) map.set(branch_id, [...(map.get(branch_id) ?? []), rest]);
    return map;
  };
  const servicesOf = byBranch(services);
  const staffOf = byBranch(staff);
  return new Directory(
    new Map(
      routes.map((r) => [
        r.number,
        {
          attribution: { companyId: r.company_id, branchId: r.branch_id, phoneNumberId: r.phone_number_id },
          active: r.active,
          timeZone: r.time_zone,
          services: servicesOf.get(r.branch_id) ?? [],
          defaultServiceId: r.default_service_id,
          staff: staffOf.get(r.branch_id) ?? [],
          analysisFields: r.analysis_fields,
          line: { numberKind: r.number_kind, numberType: r.number_type },
        },
      ]),
    ),
  );
}
