import { consumeAndMeasureLag } from '../../../test/support/consumer-lag';
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
  it('when it has consumed messages on every topic it reads, then each group its consumers run shows lag 0 on each partition, and no other group', async () => {
    const topics = {
      ...(await createTopics(2)),
      commands: uniqueName('it.booking-commands'),
      commandResults: uniqueName('it.booking-command-results'),
      lifecycle: uniqueName('it.lifecycle'),
    };
    await Promise.all([
      createTopic(topics.commands, 2),
      createTopic(topics.commandResults),
      createTopic(topics.lifecycle, 2),
    ]);
    const booking = await startService(db.url, topics, { KAFKA_LAG_INTERVAL_MS: '100' });
    try {
      const { running, expected, measured } = await consumeAndMeasureLag(Object.values(topics), async () =>
        (await fetch(`${booking.url}/metrics`)).text(),
      );
      // the groups come from the broker: whatever booking's consumers are called, each topic it reads has one
      expect([...new Set([...running.values()].flat())].sort()).toEqual(
        [topics.intents, topics.directory, topics.commands, topics.lifecycle].sort(),
      );
      expect(measured).toEqual(expected);
    } finally {
      await booking.stop();
    }
  });
});
