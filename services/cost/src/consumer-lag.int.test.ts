import { uniqueName } from '../../../test/support/kafka';
import { createTestDatabase } from '../../../test/support/postgres';
import { createCostTopics, startService } from '../test/cost-harness';
import { MIGRATIONS } from './infra/db/migrations';

/** Integration: cost's composition root measures the lag of both its groups (real broker and PostgreSQL). */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('cost_lag', MIGRATIONS);
});
afterAll(() => db.drop());

describe('cost consumer lag', () => {
  it('when it runs, then kafka_consumer_lag covers the calls group on its three topics and the directory group', async () => {
    const topics = await createCostTopics(2);
    const group = uniqueName('it.cost');
    const cost = await startService(db.url, topics, { KAFKA_GROUP_ID: group, KAFKA_LAG_INTERVAL_MS: '100' });
    try {
      const measured = async () => {
        const { values } = await cost.registry.getSingleMetric('kafka_consumer_lag')!.get();
        return values.map(({ labels }) => `${labels.group} ${labels.topic} ${labels.partition}`).sort();
      };
      const expected = [
        ...[topics.lifecycle, topics.intents, topics.outcomes].flatMap((t) => [`${group} ${t} 0`, `${group} ${t} 1`]),
        `${group}-directory ${topics.directory} 0`,
      ].sort();
      const deadline = Date.now() + 20_000;
      while ((await measured()).length < expected.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await measured()).toEqual(expected);
    } finally {
      await cost.stop();
    }
  });
});
