import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectoryEntityChangedV1Schema, frameJson, registerValueSchema } from '@rb/contracts';
import type { OutcomeReport } from '@rb/kafka-runner';
import { typeormTransactions } from '@rb/kafka-runner';
import type { Logger } from '../../packages/observability/src';
import type { Config } from '../../services/call-processor/src/config';
import { parseConfig } from '../../services/call-processor/src/config';
import { MIGRATIONS } from '../../services/call-processor/src/infra/db/data-source';
import { startCallProcessor } from '../../services/call-processor/src/service';
import { makeImportTenantsFile } from '../../services/call-processor/src/tenant-directory/import-tenants-file';
import { REPO_ROOT } from '../paths';
import { testBrokers, testRegistryUrl, uniqueName } from './kafka';
import { createTestDatabase } from './postgres';

/**
 * A call-processor database of its own (`<prefix>_test_…`), migrated, holding
 * `deploy/tenants.example.yaml`. The import's directory events are removed from the outbox: they
 * are not the test's, and no test topic waits for them.
 */
export async function createCallProcessorDatabase(prefix = 'call_processor') {
  const db = await createTestDatabase(prefix, MIGRATIONS);
  const directorySchema = await registerValueSchema(
    testRegistryUrl(),
    uniqueName('it.directory'),
    DirectoryEntityChangedV1Schema,
  );
  const imported = await makeImportTenantsFile({
    transactions: typeormTransactions(db.dataSource),
    encode: (e) => frameJson(directorySchema, Buffer.from(JSON.stringify(e))),
    clock: () => new Date(),
    source: '/test',
  })(readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'));
  if (!imported.ok) throw new Error('the example tenants file did not import');
  await db.dataSource.query('DELETE FROM outbox');
  return db;
}

/** call-processor's config for a test: its database, the test's broker and registry, port 0. */
export function callProcessorConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  const parsed = parseConfig({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: testBrokers().join(','),
    SCHEMA_REGISTRY_URL: testRegistryUrl(),
    KAFKA_GROUP_ID: uniqueName('it.call-processor'),
    ADMIN_TOKEN: `adm_${randomBytes(16).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  if (parsed.kind === 'invalid') throw new Error(`bad test config: ${parsed.problems.join('; ')}`);
  return parsed.config;
}

/**
 * call-processor started through its composition root, on a database of its own holding
 * `deploy/tenants.example.yaml`, reading `retellTopic` and writing to the test's own lifecycle,
 * intent and directory topics. For tests that follow an event from ingress through call-processor.
 */
export async function startTestCallProcessor(options: {
  retellTopic: string;
  lifecycleTopic: string;
  intentsTopic: string;
  /** the directory's events (none unless the test changes the directory); a name no topic has by default */
  directoryTopic?: string;
  log: Logger;
}): Promise<{
  reports: OutcomeReport[];
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}> {
  const { retellTopic, lifecycleTopic, intentsTopic, log } = options;
  const db = await createCallProcessorDatabase('call_processor_e2e');
  const reports: OutcomeReport[] = [];
  const service = await startCallProcessor(callProcessorConfig(db.url, { MAX_ATTEMPTS: '2' }), {
    log,
    backoff: { initialMs: 10, maxMs: 20 },
    topics: {
      retell: retellTopic,
      lifecycle: lifecycleTopic,
      intents: intentsTopic,
      directory: options.directoryTopic ?? uniqueName('it.directory'),
    },
    onOutcome: (report) => {
      reports.push(report);
      log.debug({ topic: report.topic, eventType: report.eventType, outcome: report.outcome }, 'message handled');
    },
  });
  return {
    reports,
    query: (sql, params) => db.dataSource.query(sql, params),
    async stop() {
      await service.stop();
      await db.drop();
    },
  };
}
