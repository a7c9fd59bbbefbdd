import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BookingIntentEventSchema,
  CallLifecycleEventSchema,
  DirectoryEntityChangedV1Schema,
  frameJson,
  makeRegistryEncoder,
  registerValueSchema,
} from '@rb/contracts';
import type { OutcomeReport } from '@rb/kafka-runner';
import { ConsumerRunner, OutboxRelay, typeormTransactions } from '@rb/kafka-runner';
import type { Logger } from '../../packages/observability/src';
import { makeRecordCallEvent } from '../../services/call-processor/src/call-records/record-call-event';
import { MIGRATIONS } from '../../services/call-processor/src/infra/db/data-source';
import { loadDirectory } from '../../services/call-processor/src/tenant-directory/directory';
import { makeImportTenantsFile } from '../../services/call-processor/src/tenant-directory/import-tenants-file';
import { REPO_ROOT } from '../paths';
import { testKafka, testRegistryUrl, uniqueName } from './kafka';
import { createTestDatabase } from './postgres';

/**
 * call-processor's consumer and outbox relay as its main wires them, on a database of its own
 * holding `deploy/tenants.example.yaml`, reading `retellTopic` and writing to the test's own
 * lifecycle and intent topics. For tests that follow an event from ingress through call-processor.
 */
export async function startTestCallProcessor(options: {
  retellTopic: string;
  lifecycleTopic: string;
  intentsTopic: string;
  log: Logger;
}): Promise<{
  reports: OutcomeReport[];
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}> {
  const { retellTopic, lifecycleTopic, intentsTopic, log } = options;
  const db = await createTestDatabase('call_processor_e2e', MIGRATIONS);
  const transactions = typeormTransactions(db.dataSource);
  const directorySchema = await registerValueSchema(
    testRegistryUrl(),
    uniqueName('it.directory'),
    DirectoryEntityChangedV1Schema,
  );
  const imported = await makeImportTenantsFile({
    transactions,
    encode: (e) => frameJson(directorySchema, Buffer.from(JSON.stringify(e))),
    clock: () => new Date(),
    source: '/test',
  })(readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'));
  if (!imported.ok) throw new Error('the example tenants file did not import');
  // the directory's own events are not the test's: they stay off the shared directory topic
  await db.dataSource.query('DELETE FROM outbox');
  const directory = await transactions(loadDirectory);
  const reports: OutcomeReport[] = [];
  const relay = new OutboxRelay({ kafka: testKafka(), transactions, lockId: 0x9119 });
  relay.on('publishFailed', (error: Error) => log.warn({ err: error.message }, 'outbox publish failed; retrying'));
  await relay.start();
  const runner = new ConsumerRunner({
    kafka: testKafka(),
    groupId: uniqueName('it.call-processor'),
    topics: [retellTopic],
    fromBeginning: true,
    transactions,
    maxAttempts: 2,
    backoff: { initialMs: 10, maxMs: 20 },
    handler: makeRecordCallEvent({
      directory: () => directory,
      encode: await makeRegistryEncoder(testRegistryUrl(), {
        [lifecycleTopic]: CallLifecycleEventSchema,
        [intentsTopic]: BookingIntentEventSchema,
      }),
      source: '/retell-booking/call-processor',
      clock: () => new Date(),
      topics: { lifecycle: lifecycleTopic, intents: intentsTopic },
    }),
    onOutcome: (report) => {
      reports.push(report);
      log.debug({ topic: report.topic, eventType: report.eventType, outcome: report.outcome }, 'message handled');
      if (report.error)
        log.warn({ topic: report.topic, outcome: report.outcome, code: report.error.code }, 'message not processed');
    },
    afterCommit: () => relay.nudge(),
  });
  await runner.start();
  return {
    reports,
    query: (sql, params) => db.dataSource.query(sql, params),
    async stop() {
      await runner.stop();
      await relay.stop();
      await db.drop();
    },
  };
}
