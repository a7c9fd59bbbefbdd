import { randomInt, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterTopic } from '@rb/kafka-runner';
import { createLogger } from '@rb/observability';
import { startIngress } from '../services/ingress/src/service';
import { postWebhook, testConfig as ingressConfig, withFreshCallId } from '../services/ingress/test/support';
import {
  admin,
  BOOKING_MIGRATIONS,
  createTopics,
  intentSender,
  makeIntent,
  outcomeReader,
  startService,
  waitFor,
} from '../services/booking/test/booking-harness';
import { calcomError } from '../services/booking/test/scripted-calcom';
import { startStatefulCalcom } from '../services/booking/test/stateful-calcom';
import { requireSharedDir } from './paths';
import { createTopic, messageCount, readAll, testRedisUrl, uniqueName } from './support/kafka';
import { startTestCallProcessor } from './support/call-processor';
import { createTestDatabase } from './support/postgres';

/**
 * "No phone number, e-mail address or name in ids, keys, headers, logs or metric labels", checked
 * through the running services: a Retell transfer through ingress (real Redis and broker) into
 * call-processor (its PostgreSQL, its outbox relayed to the broker), and Cal.com errors that echo
 * the attendee through booking (outcomes and dead letters). Then every key and header on every
 * topic involved, every Redis key and every log line (at trace level) is searched. The numbers
 * and addresses are made up per run, so what another test left in Redis cannot be mistaken for
 * a hit of this one.
 */
requireSharedDir();
jest.setTimeout(90_000);

/** A logger like the services' own (same redaction), at trace level, into memory. */
function capturedLogger(service: string, lines: string[]) {
  return createLogger({ service, level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
/** a number and its digits without the plus (as a URL or a careless parser might write it) */
const asNeedles = (e164: string) => [e164, e164.slice(1)];

interface Finding {
  where: string;
  needle: string;
  text: string;
}

function search(where: string, text: string, needles: readonly string[], found: Finding[]): void {
  const lower = text.toLowerCase();
  for (const needle of needles) {
    if (lower.includes(needle.toLowerCase())) found.push({ where, needle, text: text.slice(0, 300) });
  }
}

async function searchTopics(topics: readonly string[], needles: readonly string[], found: Finding[]): Promise<number> {
  let seen = 0;
  for (const topic of topics) {
    const messages: KafkaMessage[] = await readAll(topic);
    for (const m of messages) {
      seen++;
      search(`${topic} key`, m.key?.toString() ?? '', needles, found);
      for (const [name, value] of Object.entries(m.headers ?? {})) {
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) search(`${topic} header ${name}`, `${name}=${v?.toString() ?? ''}`, needles, found);
      }
    }
  }
  return seen;
}

async function searchRedisKeys(needles: readonly string[], found: Finding[]): Promise<void> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) search('redis key', key, needles, found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const searchLogs = (service: string, lines: readonly string[], needles: readonly string[], found: Finding[]) => {
  for (const line of lines) search(`${service} log`, line, needles, found);
};

describe('personal data stays out of ids, keys, headers and logs', () => {
  it('when a call is transferred, then neither the transfer number, the caller nor the caller’s name is in a Kafka key or header, a Redis key or a log line of ingress and call-processor', async () => {
    // the transfer fixture with its own call id and made-up numbers of this run (the dialled
    // number stays: it routes the call to the practice of the example directory)
    const fixture = withFreshCallId('06-transfer_started.praxis-inbound.json');
    const transferTo = `+49341${digits(7)}`;
    const caller = `+49341${digits(8)}`;
    const text = fixture.body
      .toString('utf8')
      .split('+493412240871')
      .join(transferTo)
      .split('+4934155512309')
      .join(caller);
    const body = Buffer.from(text, 'utf8');
    expect(text).toContain(transferTo);
    expect(text).toContain('Jürgen Weiß');

    const retellTopic = uniqueName('it.pii.retell-events');
    const lifecycleTopic = uniqueName('it.pii.lifecycle');
    const intentsTopic = uniqueName('it.pii.intents');
    await Promise.all(
      [retellTopic, deadLetterTopic(retellTopic), lifecycleTopic, intentsTopic].map((t) => createTopic(t)),
    );
    const logs = { ingress: [] as string[], callProcessor: [] as string[] };

    // ingress as it runs, with its real Redis dedup and rate limiting
    const ingress = await startIngress(ingressConfig(), {
      log: capturedLogger('ingress', logs.ingress),
      topic: retellTopic,
    });
    // call-processor's consumer and outbox relay on its own database, logging as its main does
    const callProcessor = await startTestCallProcessor({
      retellTopic,
      lifecycleTopic,
      intentsTopic,
      log: capturedLogger('call-processor', logs.callProcessor),
    });
    const reports = callProcessor.reports;

    try {
      // Retell delivers, and delivers again
      expect((await postWebhook(ingress.url, body)).status).toBe(204);
      const again = await postWebhook(ingress.url, body);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ status: 'duplicate' });
      // call-processor records it and announces the call (its causation id is the transfer's id)
      await waitFor('the call routed on the lifecycle topic', async () => (await messageCount(lifecycleTopic)) >= 1);
      expect(reports.filter((r) => r.outcome === 'processed')).toHaveLength(1);

      const needles = [...asNeedles(transferTo), ...asNeedles(caller), '+493412240870', 'Jürgen Weiß', 'Weiß'];
      const found: Finding[] = [];
      const seen = await searchTopics(
        [retellTopic, deadLetterTopic(retellTopic), lifecycleTopic, intentsTopic],
        needles,
        found,
      );
      expect(seen).toBeGreaterThanOrEqual(2);
      await searchRedisKeys(needles, found);
      searchLogs('ingress', logs.ingress, needles, found);
      searchLogs('call-processor', logs.callProcessor, needles, found);
      expect(logs.ingress.length).toBeGreaterThan(0);
      expect(found).toEqual([]);
    } finally {
      await callProcessor.stop();
      await ingress.stop();
    }
  });

  it('when Cal.com echoes the attendee (name, e-mail, number) in its errors, then booking’s outcome details, dead letters, keys, headers and log lines do not', async () => {
    const attendee = {
      name: 'Henriette Vogelsang',
      email: `h.vogelsang.${digits(6)}@example.com`,
      phone: `+49176${digits(8)}`,
    };
    const echo = `attendee ${attendee.name} <${attendee.email}>, phone ${attendee.phone}`;
    const db = await createTestDatabase('booking_pii', BOOKING_MIGRATIONS);
    const calcom = await startStatefulCalcom({ validTokens: ['cal_live_good'], uidPrefix: `${uniqueName('uid')}_` });
    const topics = await createTopics(1);
    const bookingLogs: string[] = [];
    const service = await startService(
      db.url,
      topics,
      { MAX_ATTEMPTS: '2' },
      { clock: () => new Date('2026-10-01T08:00:00Z'), log: capturedLogger('booking', bookingLogs) },
    );
    const sender = await intentSender(topics.intents);
    const outcomes = await outcomeReader(topics.outcomes);
    try {
      const company = randomUUID();
      const connected = await admin(service.port, 'PUT', `/companies/${company}/calcom-account`, {
        baseUrl: calcom.url,
        kind: 'api_key',
        token: 'cal_live_good',
      });
      expect(connected.status).toBe(200);
      const intent = (start: string) => {
        const made = makeIntent(company, start, { phone: attendee.phone });
        return { ...made, customer: { ...made.customer, name: attendee.name } };
      };

      // a refusal that ends in booking.failed.v1 with a detail
      const refused = intent('2026-10-13T12:30:00Z');
      calcom.inject({
        route: 'POST /v2/bookings',
        status: 400,
        body: calcomError(400, 'BadRequestException', `${echo} is blocked by the organizer`).body,
      });
      await sender.send(refused);
      await waitFor('the failed outcome', () => outcomes.of(refused.callId).length >= 1);
      expect(outcomes.of(refused.callId)).toEqual([
        expect.objectContaining({ type: 'booking.failed.v1', reason: 'invalid_request' }),
      ]);

      // a conflict that stays unresolved until the intent is dead-lettered
      const conflicted = intent('2026-10-14T12:30:00Z');
      calcom.inject({
        route: 'POST /v2/bookings',
        status: 409,
        body: calcomError(409, 'ConflictException', `booking of ${echo} conflicts with another`).body,
        times: 20,
      });
      await sender.send(conflicted);
      await waitFor(
        'the conflicted intent dead-lettered',
        async () => (await messageCount(deadLetterTopic(topics.intents))) >= 1,
      );

      const needles = [attendee.name, 'Vogelsang', attendee.email, ...asNeedles(attendee.phone)];
      const found: Finding[] = [];
      // the outcomes' values too: booking.failed.v1's detail is free text
      for (const outcome of [...outcomes.of(refused.callId), ...outcomes.of(conflicted.callId)]) {
        search(`outcome ${outcome.type}`, JSON.stringify(outcome), needles, found);
      }
      const seen = await searchTopics(
        [topics.intents, deadLetterTopic(topics.intents), topics.outcomes, topics.directory],
        needles,
        found,
      );
      expect(seen).toBeGreaterThanOrEqual(3);
      await searchRedisKeys(needles, found);
      searchLogs('booking', bookingLogs, needles, found);
      expect(bookingLogs.length).toBeGreaterThan(0);
      expect(found).toEqual([]);
    } finally {
      await service.stop();
      await sender.stop();
      await outcomes.stop();
      await calcom.stop();
      await db.drop();
    }
  });
});
