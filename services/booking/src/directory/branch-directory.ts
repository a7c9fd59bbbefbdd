import type { BranchChangedV1Schema, DirectoryEntityChangedV1 } from '@rb/contracts';
import { DirectoryEntityChangedV1Schema } from '@rb/contracts';
import type { FederalState } from '@rb/german-dates';
import type { MessageHandler, Sql } from '@rb/kafka-runner';
import { decodeContractMessage } from '@rb/kafka-runner';
import type { z } from 'zod';
import type { Branch } from '../alternatives/find-alternatives';

type BranchChanged = z.infer<typeof BranchChangedV1Schema>;
export type DirectoryMessage = { kind: 'branch'; branch: BranchChanged } | { kind: 'other' };

/**
 * tenants.directory.v1 → booking's `directory_branches`, with the standard recipe (inbox by
 * `ce_id`, which names the entity and its version). The topic is compacted and replayed from the
 * start, so an older state never overwrites a newer one: newer is the higher `version`, which
 * call-processor's database assigns in commit order; only when either state has none (events from
 * before the field) the later `changedAt`, a writer's clock. Other entities are not needed here.
 */
export function makeBranchDirectory(): MessageHandler<DirectoryMessage> {
  return {
    decode(message) {
      const { envelope, value } = decodeContractMessage(message, DirectoryEntityChangedV1Schema, 'directory event');
      const id = envelope.id;
      const event: DirectoryEntityChangedV1 = value;
      return event.entity === 'branch'
        ? { eventId: id, eventType: 'branch', event: { kind: 'branch', branch: event } }
        : { eventId: id, eventType: event.entity, event: { kind: 'other' } };
    },
    async apply(message, { sql }) {
      if (message.kind !== 'branch') return [];
      const b = message.branch;
      await sql.query(
        `INSERT INTO directory_branches (id, company_id, time_zone, federal_state, working_days, active, changed_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, time_zone = excluded.time_zone,
           federal_state = excluded.federal_state, working_days = excluded.working_days, active = excluded.active,
           changed_at = excluded.changed_at, version = excluded.version
         WHERE CASE WHEN directory_branches.version IS NULL OR excluded.version IS NULL
                    THEN directory_branches.changed_at <= excluded.changed_at
                    ELSE directory_branches.version < excluded.version END`,
        [b.id, b.companyId, b.timeZone, b.federalState, b.workingDays, b.active, b.changedAt, b.version ?? null],
      );
      return [];
    },
  };
}

/** A branch as alternatives need it, its company and whether it is active, or undefined if booking has not heard of it. */
export async function loadBranch(
  sql: Sql,
  branchId: string,
): Promise<(Branch & { companyId: string; active: boolean }) | undefined> {
  const [row] = await sql.query<{
    company_id: string;
    time_zone: string;
    federal_state: string | null;
    working_days: number[];
    active: boolean;
  }>('SELECT company_id, time_zone, federal_state, working_days, active FROM directory_branches WHERE id = $1', [
    branchId,
  ]);
  if (!row) return undefined;
  return {
    companyId: row.company_id,
    timeZone: row.time_zone,
    federalState: row.federal_state as FederalState | null,
    workingDays: row.working_days,
    active: row.active,
  };
}
