import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@rb/kafka-runner';
import { messageCount, uniqueName } from '../../../test/support/kafka';
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
import type { Fetch } from './calcom/calcom-client';
import { MIGRATIONS } from './infra/db/migrations';

/**
 * One tenant's Cal.com outage must not stall the others: two companies on one partition, each
 * with its own stateful fake Cal.com, through the whole service (Kafka, PostgreSQL, Redis).
 */
jest.setTimeout(90_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_parking', MIGRATIONS);
});
afterAll(() => db.drop());

const clock = () => new Date('2026-10-01T08:00:00Z');
const metric = (text: string, pattern: RegExp) =>
  text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

it("when company A's Cal.com answers 503 while intents of A and B share a partition, then all of B's are booked while A is still down, and A's parked intents (a call's events in order) all book after A recovers", async () => {
  const calcomA = await startStatefulCalcom({ uidPrefix: `${uniqueName('a')}_`, openCalendar: true });
  const calcomB = await startStatefulCalcom({ uidPrefix: `${uniqueName('b')}_`, openCalendar: true });
  // A's Cal.com answers 503 to everything while `aDown`; B's is never touched
  let aDown = false;
  const viaFault: Fetch = async (input, init) =>
    aDown && String(input instanceof Request ? input.url : input).startsWith(calcomA.url)
      ? new Response(JSON.stringify({ status: 'error', error: { code: 'ServiceUnavailable', message: 'down' } }), {
          status: 503,
          headers: { 'content-type': 'application/json' },
        })
      : fetch(input, init);
  const topics = await createTopics(1);
  const service = await startService(db.url, topics, {}, { clock, fetch: viaFault });
  const sender = await intentSender(topics.intents);
  const outcomes = await outcomeReader(topics.outcomes);
  const metrics = async () => (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
  try {
    const [a, b] = [randomUUID(), randomUUID()];
    for (const [company, calcom] of [
      [a, calcomA],
      [b, calcomB],
    ] as const) {
      const answer = await admin(service.port, 'PUT', `/companies/${company}/calcom-account`, {
        baseUrl: calcom.url,
        kind: 'api_key',
        token: 'cal_live_good',
      });
      expect(answer.status).toBe(200);
    }
    aDown = true;
    // 12 wishes each, interleaved on the one partition: A's first of all
    const at = (i: number) =>
      `2026-10-${String(13 + Math.floor(i / 8)).padStart(2, '0')}T${String(8 + (i % 8)).padStart(2, '0')}:00:00Z`;
    const ofA = Array.from({ length: 12 }, (_, i) => makeIntent(a, at(i)));
    const ofB = Array.from({ length: 12 }, (_, i) => makeIntent(b, at(i)));
    for (let i = 0; i < 12; i++) {
      await sender.send(ofA[i]!);
      // a later event of A's first call (the same intent re-emitted) must not overtake it
      if (i === 0) await sender.send(ofA[0]!, `${ofA[0]!.callId}:re-emitted`);
      await sender.send(ofB[i]!);
    }
    await waitFor('all of B confirmed', () => ofB.every((i) => outcomes.of(i.callId).length === 1), 30_000);
    // A is still down: none of A's has an outcome, all are parked
    expect(aDown).toBe(true);
    expect(ofA.filter((i) => outcomes.of(i.callId).length > 0)).toHaveLength(0);
    for (const intent of ofB) expect(outcomes.of(intent.callId)[0]).toMatchObject({ type: 'booking.confirmed.v1' });
    await waitFor('A parked', async () => metric(await metrics(), /^booking_parked_intents\{/) === 13);

    aDown = false;
    await waitFor('all of A confirmed', () => ofA.every((i) => outcomes.of(i.callId).length >= 1), 30_000);
    await waitFor('nothing parked', async () => metric(await metrics(), /^booking_parked_intents\{/) === 0);
    const text = await metrics();
    for (const intent of ofA) {
      expect(outcomes.of(intent.callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
      expect(calcomA.bookings.filter((k) => k.metadata.idempotencyKey === intent.idempotencyKey)).toHaveLength(1);
    }
    expect(metric(text, /^booking_parked_redrives_total\{outcome="settled"/)).toBe(12);
    expect(metric(text, /^booking_parked_redrives_total\{outcome="already_settled"/)).toBe(1);
    expect(metric(text, /^booking_intents_parked_total/)).toBe(13);
    // the partition never waited for A
    expect(metric(text, /^kafka_consumer_messages_total\{.*outcome="paused"/)).toBe(0);
    expect(await messageCount(deadLetterTopic(topics.intents))).toBe(0);
    expect(calcomB.bookings).toHaveLength(12);
  } finally {
    await service.stop();
    await sender.stop();
    await outcomes.stop();
    await calcomA.stop();
    await calcomB.stop();
  }
});
