import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import { DirectoryEntityChangedV1Schema, frameJson, readFramedJson, registerValueSchema } from '@rb/contracts';
import type { Sql, Transactions } from '@rb/kafka-runner';
import { OutboxRelay, typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { REPO_ROOT } from '../../../../test/paths';
import { createTopic, readAll, testKafka, testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { republishCommand } from '../entry-points/cli/republish-command';
import { MIGRATIONS } from '../infra/db/data-source';
import { makeDirectoryAdmin } from './directory-admin';
import type { EntityKind } from './directory-snapshots';
import { snapshot } from './directory-snapshots';
import { makeImportTenantsFile } from './import-tenants-file';
import { makeRepublishDirectory } from './republish-directory';

/**
 * Integration: call-processor's PostgreSQL, the schema registry, and the real broker with an
 * outbox relay publishing to a topic of the test's own; a fresh consumer reads it from its start.
 */
jest.setTimeout(60_000);

const TABLES: Record<EntityKind, string> = {
  reseller: 'resellers',
  company: 'companies',
  service: 'services',
  branch: 'branches',
  phone_number: 'phone_numbers',
  staff: 'staff',
};

describe('republishing the tenant directory', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let relay: OutboxRelay;
  let topic: string;
  let directoryDeps: Parameters<typeof makeImportTenantsFile>[0];
  const sql = () => typeormAutocommit(db.dataSource);

  beforeAll(async () => {
    db = await createTestDatabase('call_processor_republish', MIGRATIONS);
    topic = uniqueName('it.directory-republish');
    await createTopic(topic, 3);
    const schemaId = await registerValueSchema(testRegistryUrl(), topic, DirectoryEntityChangedV1Schema);
    let now = Date.parse('2026-11-24T10:00:00Z');
    directoryDeps = {
      transactions: typeormTransactions(db.dataSource),
      topic,
      encode: (event) => frameJson(schemaId, Buffer.from(JSON.stringify(DirectoryEntityChangedV1Schema.parse(event)))),
      clock: () => new Date((now += 1_000)),
      source: '/retell-booking/call-processor',
    };
    // the directory as the example file makes it, then changed one entity at a time
    const imported = await makeImportTenantsFile(directoryDeps)(
      readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'),
    );
    expect(imported.kind).toBe('imported');
    const administer = makeDirectoryAdmin(directoryDeps);
    const branchId = await idOf('branches');
    expect((await administer('updateBranch', branchId, { workingDays: [2, 3, 4] })).kind).toBe('changed');
    expect((await administer('updateBranch', branchId, { name: 'Umbenannt' })).kind).toBe('changed');
    const numberId = await idOf('phone_numbers');
    expect((await administer('updatePhoneNumber', numberId, { active: false })).kind).toBe('changed');
    // the topic lost all of it (recreated, say): what the outbox holds never reaches it
    await sql().query('UPDATE outbox SET published_at = now()');
    relay = new OutboxRelay({
      kafka: testKafka(),
      transactions: typeormTransactions(db.dataSource),
      lockId: randomInt(1 << 30),
      pollIntervalMs: 50,
    });
    await relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
  });

  async function idOf(table: string): Promise<string> {
    const [row] = await sql().query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id LIMIT 1`);
    return row!.id;
  }

  /** every entity the directory holds, by id: its kind and version */
  async function directory(): Promise<Map<string, { entity: EntityKind; version: number }>> {
    const all = new Map<string, { entity: EntityKind; version: number }>();
    for (const [entity, table] of Object.entries(TABLES) as [EntityKind, string][])
      for (const row of await sql().query<{ id: string; version: string }>(`SELECT id, version FROM ${table}`))
        all.set(row.id, { entity, version: Number(row.version) });
    return all;
  }

  /** what a fresh reader of the topic holds: per key the highest version, as ingress, booking and cost keep it */
  function latestOf(messages: KafkaMessage[]): Map<string, { state: DirectoryEntityChangedV1; ceId: string }> {
    const latest = new Map<string, { state: DirectoryEntityChangedV1; ceId: string }>();
    for (const message of messages) {
      const state = DirectoryEntityChangedV1Schema.parse(readFramedJson(message.value!));
      const held = latest.get(message.key!.toString());
      if (!held || held.state.version! < state.version!)
        latest.set(message.key!.toString(), { state, ceId: String(message.headers!.ce_id) });
    }
    return latest;
  }

  it('when the topic lost the directory, then after `directory:republish` a fresh consumer of the topic holds every entity in its latest state, under the event id of its version', async () => {
    const out: string[] = [];
    const code = await republishCommand(
      ['--wait-seconds', '30'],
      { DATABASE_URL: db.url, SCHEMA_REGISTRY_URL: testRegistryUrl() },
      { topic, out: { write: (text: string) => out.push(text) }, err: process.stderr },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({
      republished: { reseller: 1, company: 2, service: 3, branch: 2, phone_number: 3, staff: 1 },
      outbox: { published: 12, waiting: 0, deadLettered: 0 },
    });

    const latest = latestOf(await readAll(topic));
    const held = await directory();
    expect([...latest.keys()].sort()).toEqual([...held.keys()].sort());
    for (const [id, { state, ceId }] of latest) {
      const { entity, version } = held.get(id)!;
      // the state in the database now, field for field (the time is that of its last change)
      expect(state).toEqual(await snapshot(sql(), entity, id, state.changedAt));
      expect(state.version).toBe(version);
      expect(ceId).toBe(`${entity}:${id}:v${version}`);
    }
    // the changes made after the import are there: a branch at its third version, a number off
    const branch = latest.get(await idOf('branches'))!.state;
    expect(branch).toMatchObject({ entity: 'branch', version: 3, name: 'Umbenannt', workingDays: [2, 3, 4] });
    expect(latest.get(await idOf('phone_numbers'))!.state).toMatchObject({ active: false, version: 2 });
  });

  it('when an entity is republished, then its event is the one the change that made its version sent under that id: the same value, time included', async () => {
    // the outbox holds both: the import's and the changes' events, then the republish's
    const rows = await sql().query<{ id: string; value: Buffer; headers: Record<string, string> }>(
      'SELECT id, value, headers FROM outbox WHERE topic = $1 ORDER BY id',
      [topic],
    );
    const byEventId = new Map<string, { value: unknown; time: string }[]>();
    for (const row of rows) {
      const sent = { value: readFramedJson(row.value), time: row.headers.ce_time! };
      byEventId.set(row.headers.ce_id!, [...(byEventId.get(row.headers.ce_id!) ?? []), sent]);
    }
    const republished = [...byEventId].filter(([, sent]) => sent.length > 1);
    expect(republished).toHaveLength(12);
    for (const [eventId, [original, ...again]] of republished)
      for (const copy of again) expect({ eventId, ...copy }).toEqual({ eventId, ...original });
  });

  it('when it runs again, then the same events go out under the same event ids, so a reader that has them drops them as duplicates', async () => {
    const out: string[] = [];
    const options = { topic, out: { write: (text: string) => out.push(text) }, err: process.stderr };
    const env = { DATABASE_URL: db.url, SCHEMA_REGISTRY_URL: testRegistryUrl() };
    expect(await republishCommand([], env, options)).toBe(0);
    // each event id twice, with the same value: nothing a reader holds changes
    const values = new Map<string, string[]>();
    for (const m of await readAll(topic)) {
      const id = String(m.headers!.ce_id);
      values.set(id, [...(values.get(id) ?? []), m.value!.toString('hex')]);
    }
    expect(values.size).toBe(12);
    for (const [, sent] of values) expect(sent).toEqual([sent[0], sent[0]]);
  });

  it('when an entity changes while the republish holds its state, then the change goes out after it, and the topic ends with the change', async () => {
    const branchId = await idOf('branches');
    const plain = typeormTransactions(db.dataSource);
    const changed: Promise<unknown>[] = [];
    // after the branches' page was read (and before its states are in the outbox), the branch changes
    const interleaved: Transactions = (work) =>
      plain((inner) => {
        const sqlOf: Sql = {
          query: async <Row>(text: string, parameters?: unknown[]) => {
            const rows = await inner.query<Row>(text, parameters);
            if (/FROM branches b WHERE id > \$1/.test(text) && changed.length === 0) {
              changed.push(makeDirectoryAdmin(directoryDeps)('updateBranch', branchId, { name: 'Mitten drin' }));
              await changeWaitsOrIsDone(changed[0]!);
            }
            return rows;
          },
        };
        return work(sqlOf);
      });
    // a page per entity: every page its own transaction
    const republished = await makeRepublishDirectory({ ...directoryDeps, transactions: interleaved, pageSize: 1 })();
    expect(republished.counts).toEqual({ reseller: 1, company: 2, service: 3, branch: 2, phone_number: 3, staff: 1 });
    expect(await changed[0]).toMatchObject({ kind: 'changed', entity: { version: 4, name: 'Mitten drin' } });
    await waitForOutbox();
    // one key's events in the order of its partition: the two republishes before, this one's third
    // version, then the change's fourth (what compaction keeps)
    const ofBranch = (await readAll(topic))
      .filter((m) => m.key!.toString() === branchId)
      .map((m) => DirectoryEntityChangedV1Schema.parse(readFramedJson(m.value!)).version);
    expect(ofBranch).toEqual([3, 3, 3, 4]);
  });

  it('when a change to a branch and its services holds its row lock before the republish reaches the branch, then the republish waits for it and sends the services the change committed', async () => {
    const [branch] = await sql().query<{ id: string; default_service_id: string }>(
      "SELECT id, default_service_id FROM branches WHERE slug = 'koeln-mitte'",
    );
    const [before] = await sql().query<{ offered: string }>(
      'SELECT count(*) AS offered FROM branch_services WHERE branch_id = $1',
      [branch!.id],
    );
    expect(Number(before!.offered)).toBe(2);
    // the change writes the branch and its services, then keeps its transaction open until told
    const plain = typeormTransactions(db.dataSource);
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const holding: Transactions = (work) =>
      plain(async (inner) => {
        const result = await work(inner);
        written();
        await committing;
        return result;
      });
    const change = makeDirectoryAdmin({ ...directoryDeps, transactions: holding })('updateBranch', branch!.id, {
      name: 'Nur Schnitt',
      serviceIds: [branch!.default_service_id],
    });
    await wrote;
    const republish = makeRepublishDirectory(directoryDeps)();
    await untilSomeoneWaitsForALock();
    commit();
    const changed = await change;
    expect(changed).toMatchObject({ kind: 'changed', entity: { serviceIds: [branch!.default_service_id] } });
    const version = (changed as { entity: DirectoryEntityChangedV1 }).entity.version;
    await republish;
    await waitForOutbox();
    // the change's event, then the republished state of the same version: the last one is what
    // compaction keeps, and it must be the state the change committed, services included
    const ofBranch = (await readAll(topic))
      .filter((m) => m.key!.toString() === branch!.id)
      .map((m) => ({
        ceId: String(m.headers!.ce_id),
        state: DirectoryEntityChangedV1Schema.parse(readFramedJson(m.value!)),
      }));
    const [changeEvent, republished] = ofBranch.slice(-2);
    expect(changeEvent!.ceId).toBe(`branch:${branch!.id}:v${version}`);
    expect(republished!.ceId).toBe(changeEvent!.ceId);
    expect(republished!.state).toMatchObject({
      version,
      name: 'Nur Schnitt',
      serviceIds: [branch!.default_service_id],
    });
  });

  /** Until a session of the test database waits for a lock (the republish, for the change's row lock). */
  async function untilSomeoneWaitsForALock(): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const waiting = await sql().query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (waiting.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the republish never waited for the change’s lock');
  }

  /** Until the change waits for a row lock (the republish holds it) or has committed (nothing held it). */
  async function changeWaitsOrIsDone(change: Promise<unknown>): Promise<void> {
    let done = false;
    void change.then(() => (done = true));
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !done;) {
      const waiting = await sql().query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (waiting.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function waitForOutbox(): Promise<void> {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      if ((await relay.pending()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the relay did not publish the outbox');
  }
});
