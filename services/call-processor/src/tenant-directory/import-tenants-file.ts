import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import { DIRECTORY_ENTITY_CHANGED_V1, TOPICS } from '@rb/contracts';
import type { OutboxEvent, Transactions } from '@rb/kafka-runner';
import { appendOutbox, buildOutboxEvent } from '@rb/kafka-runner';
import { importTenants } from './import-tenants';
import type { FileProblem } from './tenants-file';
import { readTenantsFile } from './tenants-file';

export type ImportResult =
  | { kind: 'imported'; counts: Record<DirectoryEntityChangedV1['entity'], number> }
  | { kind: 'invalid'; problems: FileProblem[] };

export interface ImportTenantsDeps {
  transactions: Transactions;
  /** where the directory's events go: `tenants.directory.v1` unless a test or benchmark has its own */
  topic?: string;
  /** the event in the registry wire format of the directory topic */
  encode: (event: DirectoryEntityChangedV1) => Buffer;
  clock: () => Date;
  source: string;
}

/**
 * `tenants.yaml` → the directory, all or nothing: a file with any problem changes nothing and
 * gets every problem back with its line; a good one is upserted and each entity's state goes to
 * the directory topic through the outbox, in the same transaction.
 */
export function makeImportTenantsFile(deps: ImportTenantsDeps) {
  return async function importTenantsFile(text: string): Promise<ImportResult> {
    const read = readTenantsFile(text);
    if (read.kind === 'invalid') return read;
    const changedAt = deps.clock().toISOString();
    const events = await deps.transactions(async (sql) => {
      const changed = await importTenants(sql, read.file, changedAt);
      await appendOutbox(
        sql,
        changed.map((event) => toOutboxEvent(event, deps)),
      );
      return changed;
    });
    const counts = { reseller: 0, company: 0, branch: 0, service: 0, phone_number: 0, staff: 0 };
    for (const event of events) counts[event.entity]++;
    return { kind: 'imported', counts };
  };
}

/**
 * A directory entity's state as an outbox row for `tenants.directory.v1` (key = entity id). The
 * event id names the entity and its version, so two changes within one millisecond stay two events.
 */
export function toOutboxEvent(
  event: DirectoryEntityChangedV1,
  deps: Omit<ImportTenantsDeps, 'transactions' | 'clock'>,
): OutboxEvent {
  return buildOutboxEvent(
    { topic: deps.topic ?? TOPICS.tenantDirectory, key: event.id },
    {
      id: `${event.entity}:${event.id}:${event.version === undefined ? event.changedAt : `v${event.version}`}`,
      type: DIRECTORY_ENTITY_CHANGED_V1,
      source: deps.source,
      time: event.changedAt,
      subject: event.id,
    },
    () => deps.encode(event),
  );
}
