import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@rb/observability';
import { createLogger } from '@rb/observability';
import { startCallProcessor } from '../../services/call-processor/src/service';
import type { RunningCallProcessor } from '../../services/call-processor/src/service';
import {
  CALL_PROCESSOR_MIGRATIONS,
  callProcessorConfig,
} from '../../services/call-processor/test/call-processor-harness';
import type { BookingService } from '../../services/booking/src/service';
import { admin, BOOKING_MIGRATIONS, startService as startBooking } from '../../services/booking/test/booking-harness';
import { startStatefulCalcom } from '../../services/booking/test/stateful-calcom';
import type { RunningIngress } from '../../services/ingress/src/service';
import { startIngress } from '../../services/ingress/src/service';
import { signRetellBody, TEST_API_KEY, testConfig as ingressConfig } from '../../services/ingress/test/support';
import { REPO_ROOT } from '../paths';
import { createTopic, uniqueName } from './kafka';
import { createTestDatabase } from './postgres';

export interface LiveSystem {
  ingress: RunningIngress;
  callProcessor: RunningCallProcessor;
  booking: BookingService;
  calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
  topics: {
    retell: string;
    lifecycle: string;
    intents: string;
    directory: string;
    outcomes: string;
    commands: string;
    commandResults: string;
  };
  /** a statement on call-processor's database */
  callProcessorSql: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  /** every company of the imported tenants file: id, slug, its first branch */
  companies: { id: string; slug: string; branchId: string }[];
  stop(): Promise<void>;
}

const CALCOM_TOKEN = 'cal_live_system';

/**
 * The three services a live call touches, each through its composition root on a database of
 * its own, wired as in production: call-processor imports `tenantsYaml` through its admin API and
 * publishes the directory that ingress and booking read; every company books in the stateful
 * stand-in Cal.com (answering after `calcomLatencyMs`); ingress asks booking and call-processor
 * with one query token; call-processor reads what ingress stores. Resolves once ingress has read
 * the directory and booking knows every branch.
 */
export async function startLiveSystem(options: {
  tenantsYaml: string;
  log: Logger;
  calcomLatencyMs?: number;
}): Promise<LiveSystem> {
  const { log } = options;
  const queryToken = `qry_${randomUUID().replaceAll('-', '')}`;
  const adminToken = `adm_${randomUUID().replaceAll('-', '')}`;
  const topics = {
    retell: uniqueName('it.live-retell'),
    lifecycle: uniqueName('it.live-lifecycle'),
    intents: uniqueName('it.live-intents'),
    directory: uniqueName('it.live-directory'),
    outcomes: uniqueName('it.live-outcomes'),
    commands: uniqueName('it.live-commands'),
    commandResults: uniqueName('it.live-command-results'),
  };
  // the live commands and their answers spread over partitions as in production (scripts/create-topics.ts):
  // calls waiting for an answer are handled side by side, not one behind the other
  const partitions = (topic: string) => (topic === topics.commands || topic === topics.commandResults ? 12 : 1);
  await Promise.all(Object.values(topics).map((t) => createTopic(t, partitions(t))));
  const calcom = await startStatefulCalcom({
    validTokens: [CALCOM_TOKEN],
    openCalendar: true,
    ...(options.calcomLatencyMs ? { latencyMs: options.calcomLatencyMs } : {}),
    uidPrefix: `live_${randomUUID().slice(0, 6)}_`,
  });

  const cpDb = await createTestDatabase('cp_live', CALL_PROCESSOR_MIGRATIONS);
  const callProcessor = await startCallProcessor(
    callProcessorConfig(cpDb.url, { QUERY_TOKENS: queryToken, ADMIN_TOKEN: adminToken }),
    { log, topics, backoff: { initialMs: 10, maxMs: 50 } },
  );
  const imported = await fetch(`${callProcessor.url}/admin/tenants`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}` },
    body: options.tenantsYaml,
  });
  if (!imported.ok) throw new Error(`tenants import: ${imported.status} ${await imported.text()}`);
  const callProcessorSql = (sql: string, params?: unknown[]) =>
    cpDb.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
  const companies = (
    (await callProcessorSql(
      `SELECT DISTINCT ON (c.slug) c.id, c.slug, b.id AS branch_id
       FROM companies c JOIN branches b ON b.company_id = c.id ORDER BY c.slug, b.slug`,
    )) as { id: string; slug: string; branch_id: string }[]
  ).map((c) => ({ id: c.id, slug: c.slug, branchId: c.branch_id }));

  const bookingDb = await createTestDatabase('booking_live', BOOKING_MIGRATIONS);
  const booking = await startBooking(
    bookingDb.url,
    {
      intents: topics.intents,
      directory: topics.directory,
      outcomes: topics.outcomes,
      commands: topics.commands,
      commandResults: topics.commandResults,
      lifecycle: topics.lifecycle,
    },
    { QUERY_TOKENS: queryToken, LOG_LEVEL: 'silent' },
    { log },
  );
  for (const company of companies) {
    const answer = await admin(booking.port, 'PUT', `/companies/${company.id}/calcom-account`, {
      baseUrl: calcom.url,
      kind: 'api_key',
      token: CALCOM_TOKEN,
    });
    if (answer.status !== 200) throw new Error(`Cal.com account: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  const ingress = await startIngress(
    ingressConfig({
      BOOKING_QUERY_URL: `http://127.0.0.1:${booking.port}`,
      BOOKING_QUERY_TOKEN: queryToken,
      CALL_PROCESSOR_QUERY_URL: callProcessor.url,
      CALL_PROCESSOR_QUERY_TOKEN: queryToken,
      LOG_LEVEL: 'silent',
    }),
    {
      log,
      topic: topics.retell,
      directoryTopic: topics.directory,
      commandsTopic: topics.commands,
      commandResultsTopic: topics.commandResults,
    },
  );

  // ready: booking has read every branch (its directory consumer runs behind the import)
  const deadline = Date.now() + 60_000;
  const branchIds = companies.map((c) => c.branchId);
  for (;;) {
    const [row] = (await bookingDb.dataSource.query(
      'SELECT count(*)::int AS known FROM directory_branches WHERE id = ANY($1::uuid[])',
      [branchIds],
    )) as { known: number }[];
    if (row!.known === branchIds.length) break;
    if (Date.now() > deadline)
      throw new Error(`booking knows ${row!.known} of ${branchIds.length} branches after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    ingress,
    callProcessor,
    booking,
    calcom,
    topics,
    callProcessorSql,
    companies,
    async stop() {
      await ingress.stop();
      await booking.stop();
      await callProcessor.stop();
      await calcom.stop();
      await Promise.all([cpDb.drop(), bookingDb.drop()]);
    },
  };
}

/** The live system with deploy/tenants.example.yaml imported, as a newcomer's would be; logs silent. */
export function startExampleLiveSystem(service: string): Promise<LiveSystem> {
  return startLiveSystem({
    tenantsYaml: readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8'),
    log: createLogger({ service, level: 'silent' }),
  });
}

/** A POST of `body` to ingress, signed now as Retell signs it. */
export function postSigned(system: LiveSystem, path: string, body: string): Promise<Response> {
  return fetch(`${system.ingress.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
    },
    body,
  });
}
