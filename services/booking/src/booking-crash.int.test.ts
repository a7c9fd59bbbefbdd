import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import {
  admin,
  createTopics,
  intentSender,
  makeIntent,
  outcomeReader,
  startService,
  waitFor,
} from '../test/booking-harness';
import { startStatefulCalcom } from '../test/stateful-calcom';
import { MIGRATIONS } from './infra/db/migrations';

/**
 * A crash between "Cal.com said yes" and "we committed": booking runs as its own process and is
 * killed (SIGKILL) while Cal.com has made the booking but not yet answered. The next instance
 * gets the intent again and must find that booking instead of making a second one.
 */
jest.setTimeout(90_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_crash', MIGRATIONS);
});
afterAll(() => db.drop());

function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'test', 'run-service.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`booking exited with ${code}: ${stderr}`)));
  });
  return { child, port };
}

it('when booking is killed after Cal.com made the booking but before it answered, then the restarted service finds it: one booking, one outcome', async () => {
  const calcom = await startStatefulCalcom({ validTokens: ['cal_live_good'], uidPrefix: `${uniqueName('uid')}_` });
  const topics = await createTopics(1);
  const groupId = uniqueName('it.booking-crash');
  const { child, port } = startChild({
    DATABASE_URL: db.url,
    INTENTS_TOPIC: topics.intents,
    DIRECTORY_TOPIC: topics.directory,
    OUTCOMES_TOPIC: topics.outcomes,
    KAFKA_GROUP_ID: groupId,
  });
  const sender = await intentSender(topics.intents);
  const outcomes = await outcomeReader(topics.outcomes);
  try {
    const company = randomUUID();
    const answer = await admin(await port, 'PUT', `/companies/${company}/calcom-account`, {
      baseUrl: calcom.url,
      kind: 'api_key',
      token: 'cal_live_good',
    });
    expect(answer.status).toBe(200);
    // Cal.com makes the booking at once and answers late: the process dies in between
    calcom.inject({ route: 'POST /v2/bookings', applyThenDelayMs: 20_000 });
    const intent = makeIntent(company, '2026-10-13T12:30:00Z');
    await sender.send(intent);
    await waitFor('Cal.com to make the booking', () => calcom.bookings.length === 1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [before] = await db.dataSource.query(
      'SELECT status, create_sent_at IS NOT NULL AS sent FROM booking_requests WHERE call_id = $1',
      [intent.callId],
    );
    expect(before).toEqual({ status: 'pending', sent: true });

    const restarted = await startService(
      db.url,
      topics,
      { KAFKA_GROUP_ID: groupId },
      {
        clock: () => new Date('2026-10-01T08:00:00Z'),
      },
    );
    try {
      await waitFor('the outcome', () => outcomes.of(intent.callId).length === 1, 60_000);
    } finally {
      await restarted.stop();
    }
    expect(calcom.bookings).toHaveLength(1);
    expect(calcom.calls.filter((c) => c === 'POST /v2/bookings')).toHaveLength(1);
    expect(outcomes.of(intent.callId)).toEqual([
      expect.objectContaining({
        type: 'booking.confirmed.v1',
        booking: expect.objectContaining({ uid: calcom.bookings[0]!.uid }),
      }),
    ]);
  } finally {
    child.kill('SIGKILL');
    await sender.stop();
    await outcomes.stop();
    await calcom.stop();
  }
});
