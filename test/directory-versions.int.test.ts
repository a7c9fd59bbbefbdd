import { DirectoryEntityChangedV1Schema, frameJson, registerValueSchema } from '@rb/contracts';
import type { OutcomeReport, Transactions } from '@rb/kafka-runner';
import { ConsumerRunner, typeormTransactions } from '@rb/kafka-runner';
import type { DataSource } from 'typeorm';
import { BOOKING_MIGRATIONS, loadBranch, makeBranchDirectory } from '../services/booking/test/booking-harness';
import { CALL_PROCESSOR_MIGRATIONS, makeDirectoryAdmin } from '../services/call-processor/test/call-processor-harness';
import { createTopic, testKafka, testRegistryUrl, uniqueName } from './support/kafka';
import { createTestDatabase } from './support/postgres';

/**
 * Integration across the directory's producer and a reader: call-processor's admin API on its own
 * PostgreSQL, the outbox rows published in their order to a topic of the real broker, booking's
 * read model consuming them into booking's own PostgreSQL.
 */
describe('tenants.directory.v1 from call-processor to booking', () => {
  let producerDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let bookingDb: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    producerDb = await createTestDatabase('call_processor', CALL_PROCESSOR_MIGRATIONS);
    bookingDb = await createTestDatabase('booking', BOOKING_MIGRATIONS);
  });
  afterAll(async () => {
    await producerDb?.drop();
    await bookingDb?.drop();
  });

  it('when two updates of one branch run concurrently and the one that read its clock first commits last, then booking ends with the state committed last', async () => {
    const topic = uniqueName('it.directory-versions');
    await createTopic(topic);
    const schemaId = await registerValueSchema(testRegistryUrl(), topic, DirectoryEntityChangedV1Schema);
    const plain = typeormTransactions(producerDb.dataSource);
    // the first update's transaction starts only once the second holds the branch's row lock
    const second = deferred();
    let race: number | undefined;
    const transactions: Transactions = async (work) => {
      const n = race === undefined ? 0 : ++race;
      if (n === 1) await second.promise; // first update: its clock was read before the second's
      return plain(async (sql) => {
        const result = await work(sql);
        if (n === 2) {
          second.resolve(); // second update: written, not committed; let the first one run into the lock
          await waitForLockWaiter(producerDb.dataSource);
        }
        return result;
      });
    };
    let now = Date.parse('2026-11-02T09:00:00.000Z');
    const deps = {
      transactions,
      encode: (e: unknown) => frameJson(schemaId, Buffer.from(JSON.stringify(e))),
      // one second apart: each update's clock is read before its transaction, the first one's first
      clock: () => new Date((now += 1_000)),
      source: '/test',
    };
    const administer = makeDirectoryAdmin(deps);
    const company = await administer('createCompany', undefined, { slug: 'salon-ordnung', name: 'Salon Ordnung' });
    const companyId = company.kind === 'created' ? company.entity.id : fail(company);
    const service = await administer('createService', companyId, {
      slug: 'schnitt',
      name: 'Schnitt',
      calcomEventTypeId: 11,
      durationMinutes: 30,
    });
    const serviceId = service.kind === 'created' ? service.entity.id : fail(service);
    const branch = await administer('createBranch', companyId, {
      slug: 'mitte',
      name: 'Mitte',
      timeZone: 'Europe/Berlin',
      serviceIds: [serviceId],
      defaultServiceId: serviceId,
    });
    const branchId = branch.kind === 'created' ? branch.entity.id : fail(branch);
    race = 0; // the next two transactions are the concurrent updates

    const first = administer('updateBranch', branchId, { workingDays: [1, 2, 3] });
    const secondUpdate = administer('updateBranch', branchId, { workingDays: [4, 5, 6] });
    expect((await Promise.all([first, secondUpdate])).map((r) => r.kind)).toEqual(['changed', 'changed']);
    const [committed] = await producerDb.dataSource.query<{ working_days: number[] }[]>(
      'SELECT working_days FROM branches WHERE id = $1',
      [branchId],
    );
    expect(committed!.working_days).toEqual([1, 2, 3]); // the first update committed last

    // published as the relay publishes: in outbox order, keyed by entity id
    const rows = await producerDb.dataSource.query<{ key: string; value: Buffer; headers: Record<string, string> }[]>(
      'SELECT key, value, headers FROM outbox ORDER BY id',
    );
    const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: rows });
    await producer.disconnect();

    const done = deferred();
    const reports: OutcomeReport[] = [];
    const runner = new ConsumerRunner({
      kafka: testKafka(),
      groupId: uniqueName('it.booking-directory'),
      topics: [topic],
      fromBeginning: true,
      transactions: typeormTransactions(bookingDb.dataSource),
      handler: makeBranchDirectory(),
      onOutcome: (report) => {
        reports.push(report);
        if (reports.length === rows.length) done.resolve();
      },
    });
    await runner.start();
    await done.promise;
    await runner.stop();

    expect(reports.map((r) => r.outcome)).toEqual(rows.map(() => 'processed'));
    const held = await typeormTransactions(bookingDb.dataSource)((sql) => loadBranch(sql, branchId));
    expect(held?.workingDays).toEqual([1, 2, 3]);
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function fail(result: { kind: string; code?: string }): never {
  throw new Error(`admin change not made: ${result.code ?? result.kind}`);
}

/** Until a session of the database waits for a row lock (the signal that the updates overlap). */
async function waitForLockWaiter(db: DataSource): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const waiting = await db.query<unknown[]>(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (waiting.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the concurrent update never waited for the row lock');
}
