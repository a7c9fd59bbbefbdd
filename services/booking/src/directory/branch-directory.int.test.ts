import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import {
  DIRECTORY_ENTITY_CHANGED_V1,
  DirectoryEntityChangedV1Schema,
  frameJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import type { OutcomeReport } from '@rb/kafka-runner';
import { ConsumerRunner, deadLetterTopic, typeormTransactions } from '@rb/kafka-runner';
import { createTopic, readAll, testKafka, testRegistryUrl, uniqueName } from '../../../../test/support/kafka';
import { createTestDatabase } from '../../../../test/support/postgres';
import { MIGRATIONS } from '../infra/db/migrations';
import { loadBranch, makeBranchDirectory } from './branch-directory';

/** Integration: the real broker, registry and booking's own PostgreSQL database. */
describe("booking's read model of the directory's branches (tenants.directory.v1)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => (db = await createTestDatabase('booking', MIGRATIONS)));
  afterAll(() => db?.drop());

  const branchId = '00000000-0000-4000-8000-0000000000b1';
  const branch = (
    changedAt: string,
    workingDays: number[],
    active = true,
    version?: number,
    id = branchId,
  ): DirectoryEntityChangedV1 => ({
    entity: 'branch',
    id,
    active,
    changedAt,
    ...(version === undefined ? {} : { version }),
    companyId: '00000000-0000-4000-8000-000000000001',
    slug: 'koeln-mitte',
    name: 'Köln Mitte',
    timeZone: 'Europe/Berlin',
    federalState: 'NW',
    workingDays,
    defaultServiceId: '00000000-0000-4000-8000-00000000000a',
    serviceIds: ['00000000-0000-4000-8000-00000000000a'],
  });

  it('when branch changes arrive, a stale one replayed after a newer one, another entity and a broken message, then the newest state wins and the broken one is dead-lettered', async () => {
    const topic = uniqueName('it.directory');
    await Promise.all([createTopic(topic), createTopic(deadLetterTopic(topic))]);
    const schemaId = await registerValueSchema(testRegistryUrl(), topic, DirectoryEntityChangedV1Schema);
    const message = (event: DirectoryEntityChangedV1) => ({
      key: event.id,
      value: frameJson(schemaId, Buffer.from(JSON.stringify(event))),
      headers: toKafkaHeaders({
        id: `${event.entity}:${event.id}:${event.changedAt}`,
        type: DIRECTORY_ENTITY_CHANGED_V1,
        source: '/call-processor',
        time: event.changedAt,
        subject: event.id,
      }),
    });
    const newer = branch('2026-11-02T10:00:00.000Z', [2, 3, 4, 5, 6]);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        message(branch('2026-11-01T10:00:00.000Z', [1, 2, 3, 4, 5])),
        message(newer),
        message(branch('2026-11-01T10:00:00.000Z', [1, 2, 3, 4, 5])), // a redelivery of the older one
        message({
          entity: 'company',
          id: '00000000-0000-4000-8000-000000000001',
          active: true,
          changedAt: newer.changedAt,
          slug: 's',
          name: 'S',
        }),
        { key: 'x', value: Buffer.from('not framed'), headers: message(newer).headers },
      ],
    });
    await producer.disconnect();

    const reports: OutcomeReport[] = [];
    const runner = new ConsumerRunner({
      kafka: testKafka(),
      groupId: uniqueName('it.booking-directory'),
      topics: [topic],
      fromBeginning: true,
      transactions: typeormTransactions(db.dataSource),
      handler: makeBranchDirectory(),
      onOutcome: (r) => reports.push(r),
    });
    await runner.start();
    const deadline = Date.now() + 30_000;
    while (reports.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await runner.stop();

    expect(reports.map((r) => r.outcome)).toEqual([
      'processed',
      'processed',
      'duplicate',
      'processed',
      'dead_lettered',
    ]);
    expect(await typeormTransactions(db.dataSource)((sql) => loadBranch(sql, branchId))).toEqual({
      companyId: '00000000-0000-4000-8000-000000000001',
      timeZone: 'Europe/Berlin',
      federalState: 'NW',
      workingDays: [2, 3, 4, 5, 6],
      active: true,
    });
    const [dead] = await readAll(deadLetterTopic(topic));
    // the kit's message edge names an unreadable value alike in every service
    expect(dead?.headers?.dlq_error_code?.toString()).toBe('VALUE_UNREADABLE');
  });

  it('when an older state comes after a newer one under another event id, then the newer state stays', async () => {
    const tx = typeormTransactions(db.dataSource);
    const handler = makeBranchDirectory();
    const apply = (event: DirectoryEntityChangedV1) =>
      tx((sql) =>
        handler.apply({ kind: 'branch', branch: event as never }, { sql, prepared: undefined, message: {} as never }),
      );
    await apply(branch('2026-11-05T10:00:00.000Z', [1, 2, 3], false));
    await apply(branch('2026-11-03T10:00:00.000Z', [1, 2, 3, 4, 5, 6, 7]));
    expect(await tx((sql) => loadBranch(sql, branchId))).toMatchObject({ workingDays: [1, 2, 3], active: false });
  });

  it('when states carry versions, then the higher version wins whatever their clocks say; without a version on either side, the later time does', async () => {
    const tx = typeormTransactions(db.dataSource);
    const handler = makeBranchDirectory();
    const id = '00000000-0000-4000-8000-0000000000b2';
    const apply = (event: DirectoryEntityChangedV1) =>
      tx((sql) =>
        handler.apply({ kind: 'branch', branch: event as never }, { sql, prepared: undefined, message: {} as never }),
      );
    const held = () => tx((sql) => loadBranch(sql, id));
    // an event from before versions existed, then the first versioned one: compared by time
    await apply(branch('2026-11-01T10:00:00.000Z', [1], true, undefined, id));
    await apply(branch('2026-11-01T11:00:00.000Z', [2], true, 3, id));
    expect(await held()).toMatchObject({ workingDays: [2] });
    // committed later (higher version), though its writer read an earlier clock
    await apply(branch('2026-11-01T10:30:00.000Z', [3], true, 4, id));
    expect(await held()).toMatchObject({ workingDays: [3] });
    // a lower version arriving late, with the latest clock of all, changes nothing
    await apply(branch('2026-11-09T10:00:00.000Z', [4], true, 2, id));
    expect(await held()).toMatchObject({ workingDays: [3] });
  });
});
