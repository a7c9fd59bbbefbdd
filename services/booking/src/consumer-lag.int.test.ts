import { createTopic, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import { BOOKING_MIGRATIONS, createTopics, startService } from '../test/booking-harness';

/** Integration: booking's composition root measures the lag of every group it runs (real broker, PostgreSQL, Redis). */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_lag', BOOKING_MIGRATIONS);
});
afterAll(() => db.drop());

describe('booking consumer lag', () => {
  it('when it runs with commands and the truth check, then /metrics has the lag of its four groups on their topics', async () => {
    const topics = {
      ...(await createTopics(2)),
      commands: uniqueName('it.booking-commands'),
      commandResults: uniqueName('it.booking-command-results'),
      lifecycle: uniqueName('it.lifecycle'),
    };
    await Promise.all([
      createTopic(topics.commands),
      createTopic(topics.commandResults),
      createTopic(topics.lifecycle),
    ]);
    const group = uniqueName('it.booking');
    const booking = await startService(db.url, topics, { KAFKA_GROUP_ID: group, KAFKA_LAG_INTERVAL_MS: '100' });
    try {
      const expected = [
        `${group}-directory ${topics.directory} 0`,
        `${group} ${topics.intents} 0`,
        `${group} ${topics.intents} 1`,
        `${group}-commands ${topics.commands} 0`,
        `${group}-claims ${topics.lifecycle} 0`,
      ].sort();
      const measured = async () => {
        const text = await (await fetch(`${booking.url}/metrics`)).text();
        return [...text.matchAll(/^kafka_consumer_lag\{([^}]*)\} \d+$/gm)]
          .map(([, labels]) => Object.fromEntries([...labels!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])))
          .map((l) => `${l.group} ${l.topic} ${l.partition}`)
          .sort();
      };
      const deadline = Date.now() + 20_000;
      while ((await measured()).length < expected.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await measured()).toEqual(expected);
    } finally {
      await booking.stop();
    }
  });
});
