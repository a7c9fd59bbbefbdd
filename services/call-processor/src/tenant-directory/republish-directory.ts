import { appendOutbox } from '@rb/kafka-runner';
import type { EntityKind } from './directory-snapshots';
import { currentStates } from './directory-snapshots';
import type { ImportTenantsDeps } from './import-tenants-file';
import { toOutboxEvent } from './import-tenants-file';

export type RepublishResult = { kind: 'republished'; counts: Record<EntityKind, number> };

export interface RepublishDirectoryDeps extends Omit<ImportTenantsDeps, 'clock'> {
  /** entities read and written to the outbox per transaction */
  pageSize?: number;
}

/** parents before their children, as an import writes them */
const KINDS: readonly EntityKind[] = ['reseller', 'company', 'service', 'branch', 'phone_number', 'staff'];
const BEFORE_ANY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Every directory entity's current state to `tenants.directory.v1` again, through the outbox, so
 * the topic holds each entity's latest state even where it lost it (a topic recreated, retention
 * that deleted a compacted key, an event dead-lettered by a reader). Nothing in the directory
 * changes: each event is the state of the entity's current version under the event id of that
 * version (`<entity>:<id>:v<version>`), exactly as the change that made it was published. A reader
 * that has it already deduplicates it by its `ce_id` or keeps its own state of the same version; a
 * new reader gets every entity. Safe to run again, and beside changes: a page's rows are
 * share-locked before their states are read (`currentStates`), so a change that held one is in the
 * outbox before the state that includes it, and a later change lands after the republished state.
 * Pages of `pageSize` entities, a transaction each.
 */
export function makeRepublishDirectory(deps: RepublishDirectoryDeps) {
  const pageSize = deps.pageSize ?? 500;
  return async function republishDirectory(): Promise<RepublishResult> {
    const counts: Record<EntityKind, number> = {
      reseller: 0,
      company: 0,
      service: 0,
      branch: 0,
      phone_number: 0,
      staff: 0,
    };
    for (const kind of KINDS) {
      for (let after = BEFORE_ANY_ID; ;) {
        const page = await deps.transactions(async (sql) => {
          const states = await currentStates(sql, kind, after, pageSize);
          await appendOutbox(
            sql,
            states.map((state) => toOutboxEvent(state, deps)),
          );
          return states;
        });
        counts[kind] += page.length;
        if (page.length < pageSize) break;
        after = page[page.length - 1]!.id;
      }
    }
    return { kind: 'republished', counts };
  };
}
