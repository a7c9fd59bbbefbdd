import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DirectoryEntityChangedV1Schema,
  frameJson,
  registerValueSchema,
  retellEventId,
  retellEventType,
  toKafkaHeaders,
} from '@rb/contracts';
import { typeormTransactions } from '@rb/kafka-runner';
import { REPO_ROOT } from '../../../test/paths';
import { testBrokers, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import type { Config } from '../src/config';
import { parseConfig } from '../src/config';
import { MIGRATIONS } from '../src/infra/db/data-source';
import { makeImportTenantsFile } from '../src/tenant-directory/import-tenants-file';

/** What root tests use of call-processor beyond startCallProcessor and its config. */
export { MIGRATIONS as CALL_PROCESSOR_MIGRATIONS } from '../src/infra/db/data-source';
export { makeDirectoryAdmin } from '../src/tenant-directory/directory-admin';

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
  if (imported.kind !== 'imported') throw new Error('the example tenants file did not import');
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
 * A Retell webhook as ingress stores it on the Retell events topic: keyed by its call, the body
 * registry-framed as received, CloudEvents headers with the event id ingress derives.
 */
export function storedRetellEvent(
  schemaId: number,
  body: { event: string; call: { call_id: string } },
  source = '/ingress',
): { key: string; value: Buffer; headers: Record<string, string> } {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    key: body.call.call_id,
    value: frameJson(schemaId, raw),
    headers: toKafkaHeaders({
      id: retellEventId(body as never, raw),
      type: retellEventType(body.event),
      source,
      time: new Date().toISOString(),
      subject: body.call.call_id,
    }),
  };
}

/**
 * Retell's `call_inbound` as ingress records it on the Retell events topic after answering it:
 * no `call` object, keyed by `call_inbound.call_id`, the body registry-framed as received.
 */
export function storedCallInbound(
  schemaId: number,
  body: { event: 'call_inbound'; call_inbound: { call_id: string; from_number: string; to_number: string } },
  source = '/ingress',
): { key: string; value: Buffer; headers: Record<string, string> } {
  const callId = body.call_inbound.call_id;
  return {
    key: callId,
    value: frameJson(schemaId, Buffer.from(JSON.stringify(body))),
    headers: toKafkaHeaders({
      id: `${callId}:call_inbound`,
      type: retellEventType(body.event),
      source,
      time: new Date().toISOString(),
      subject: callId,
    }),
  };
}
