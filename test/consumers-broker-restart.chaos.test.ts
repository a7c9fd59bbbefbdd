import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@rb/observability';
import {
  frameJson,
  registerValueSchema,
  retellEventId,
  retellEventType,
  RetellWebhookEventValueSchema,
  toKafkaHeaders,
  TOPICS,
} from '@rb/contracts';
import type { BookingService } from '../services/booking/src/service';
import {
  BOOKING_MIGRATIONS,
  createTopics,
  intentSender,
  makeIntent,
  startService,
  waitFor,
} from '../services/booking/test/booking-harness';
import { REPO_ROOT, RETELL_FIXTURES_DIR, requireSharedDir } from './paths';
import { testBrokers, testKafka, testRegistryUrl, uniqueName, withAdmin } from './support/kafka';
import { createTestDatabase } from './support/postgres';

/**
 * The broker goes away for 30 s while call-processor (a real child process, its main.ts) and
 * booking (in-process, started through startBooking) consume. Each must still be running
 * afterwards — no exit, no fatal handler called — and handle every message sent before and after
 * the outage. Stops the shared broker, so it runs in the serial chaos pass (JEST_CHAOS=1).
 */
jest.setTimeout(240_000);
requireSharedDir();

const infra = (...args: string[]) =>
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'infra.sh'), ...args], { stdio: 'pipe' });
const OUTAGE_MS = 30_000;
const RESTARTING = 'consumer crashed; restarting it';

/** Collects a process's NDJSON log lines. */
function logLines() {
  const lines: { msg?: string; level?: number }[] = [];
  const add = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as { msg?: string });
      } catch {
        // a line split across chunks: the next complete one counts
      }
    }
  };
  return { lines, add, said: (msg: string) => lines.some((l) => l.msg === msg) };
}

let callDb: Awaited<ReturnType<typeof createTestDatabase>>;
let bookingDb: Awaited<ReturnType<typeof createTestDatabase>>;
let callProcessor: ChildProcessWithoutNullStreams | undefined;
let booking: BookingService | undefined;

beforeAll(async () => {
  [callDb, bookingDb] = await Promise.all([
    createTestDatabase('call_processor_chaos', []),
    createTestDatabase('booking_chaos', BOOKING_MIGRATIONS),
  ]);
});
afterAll(async () => {
  infra('up', 'kafka'); // whatever happened above, the broker is left running
  if (callProcessor && callProcessor.exitCode === null) {
    const exited = new Promise((resolve) => callProcessor!.once('exit', resolve));
    callProcessor.kill('SIGTERM');
    await exited;
  }
  await booking?.stop();
  await Promise.all([callDb?.drop(), bookingDb?.drop()]);
});

/** call-processor's main.ts as its own process, reading the Retell topic from its end on. */
async function startCallProcessor(groupId: string) {
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'create-topics.ts')], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
  // a fresh group would read the topic's whole history: start it at the end
  // (topics just created may not have their leaders yet: asked again until they answer)
  await waitFor('the group set to the end of the Retell topic', () =>
    withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(TOPICS.retellWebhookEvents);
      await admin.setOffsets({
        groupId,
        topic: TOPICS.retellWebhookEvents,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
      return true;
    }).catch(() => false),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/call-processor/src/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: callDb.url,
      KAFKA_BROKERS: testBrokers().join(','),
      SCHEMA_REGISTRY_URL: testRegistryUrl(),
      KAFKA_GROUP_ID: groupId,
      ADMIN_TOKEN: `adm_${randomBytes(16).toString('hex')}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
    },
  });
  const log = logLines();
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => log.add(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`call-processor exited with ${code}: ${stderr}`)));
    const check = setInterval(() => {
      if (!log.said('call-processor running')) return;
      clearInterval(check);
      resolve();
    }, 100);
  });
  return { child, log, stderr: () => stderr };
}

/** Signed-and-stored Retell webhooks as ingress writes them to the topic. */
async function webhookSender() {
  const schemaId = await registerValueSchema(
    testRegistryUrl(),
    uniqueName('chaos.retell'),
    RetellWebhookEventValueSchema,
  );
  const fixture = readFileSync(join(RETELL_FIXTURES_DIR, '01-call_started.salon-inbound.json'), 'utf8');
  const producer = testKafka().producer();
  await producer.connect();
  return {
    /** sends a call_started of a fresh call; resolves with its event id */
    async send(): Promise<string> {
      const body = JSON.parse(fixture) as { event: string; call: { call_id: string } };
      const callId = `call_${randomBytes(15).toString('hex').slice(0, 29)}`;
      body.call.call_id = callId;
      const raw = Buffer.from(JSON.stringify(body));
      const eventId = retellEventId(body as never, raw);
      const headers = toKafkaHeaders({
        id: eventId,
        type: retellEventType(body.event),
        source: '/ingress',
        time: new Date().toISOString(),
        subject: callId,
      });
      await producer.send({
        topic: TOPICS.retellWebhookEvents,
        messages: [{ key: callId, value: frameJson(schemaId, raw), headers }],
      });
      return eventId;
    },
    stop: () => producer.disconnect(),
  };
}

/** How many of the event ids the consumer group has claimed in the service's inbox. */
async function handled(db: typeof callDb, groupId: string, eventIds: string[]): Promise<number> {
  const rows = (await db.dataSource.query(
    'SELECT count(*) AS n FROM processed_messages WHERE consumer = $1 AND event_id = ANY($2)',
    [groupId, eventIds],
  )) as { n: string }[];
  return Number(rows[0]!.n);
}

it('when the broker is down for 30 s while call-processor and booking consume, then both keep running, restart their consumers and handle every message from before and after', async () => {
  const callGroup = uniqueName('chaos.call-processor');
  const bookingGroup = uniqueName('chaos.booking');
  const cp = await startCallProcessor(callGroup);
  callProcessor = cp.child;

  const bookingLog = logLines();
  const fatal: string[] = [];
  const topics = await createTopics(3);
  booking = await startService(
    bookingDb.url,
    topics,
    { KAFKA_GROUP_ID: bookingGroup, LOG_LEVEL: 'info' },
    {
      log: createLogger({
        service: 'booking',
        level: 'info',
        destination: { write: (line: string) => void bookingLog.add(line) },
      }),
      onFatal: (reason) => fatal.push(reason),
    },
  );

  // before: each service handles its messages
  const company = randomUUID(); // no Cal.com account: every intent settles at once as failed
  const sendIntents = async (n: number) => {
    const sender = await intentSender(topics.intents);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const intent = makeIntent(company, '2026-10-13T12:30:00Z');
      await sender.send(intent);
      ids.push(`${intent.callId}:${intent.type}`);
    }
    await sender.stop();
    return ids;
  };
  const sendWebhooks = async (n: number) => {
    const sender = await webhookSender();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await sender.send());
    await sender.stop();
    return ids;
  };
  const intentIds = await sendIntents(3);
  const webhookIds = await sendWebhooks(3);
  await waitFor('booking handled the intents', async () => (await handled(bookingDb, bookingGroup, intentIds)) === 3);
  await waitFor(
    'call-processor handled the webhooks',
    async () => (await handled(callDb, callGroup, webhookIds)) === 3,
  );

  // the outage: the consumers crash and restart meanwhile
  infra('down', 'kafka');
  try {
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  } finally {
    infra('up', 'kafka');
  }

  // after: what is sent now is handled by the same processes
  intentIds.push(...(await sendIntents(3)));
  webhookIds.push(...(await sendWebhooks(3)));
  await waitFor('booking caught up', async () => (await handled(bookingDb, bookingGroup, intentIds)) === 6, 120_000);
  await waitFor('call-processor caught up', async () => (await handled(callDb, callGroup, webhookIds)) === 6, 120_000);

  expect(fatal).toEqual([]);
  expect(cp.child.exitCode).toBeNull();
  expect(cp.child.signalCode).toBeNull();
  // the crash path was taken, and survived
  expect(bookingLog.said(RESTARTING)).toBe(true);
  expect(cp.log.said(RESTARTING)).toBe(true);
});
