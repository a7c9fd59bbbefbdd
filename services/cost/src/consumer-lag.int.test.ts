import { consumeAndMeasureLag } from '../../../test/support/consumer-lag';
import { createTestDatabase } from '../../../test/support/postgres';
import { createCostTopics, startService } from '../test/cost-harness';
import { MIGRATIONS } from './infra/db/migrations';

/** Integration: cost's composition root measures the lag of every group it runs (real broker and PostgreSQL). */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('cost_lag', MIGRATIONS);
});
afterAll(() => db.drop());

describe('cost consumer lag', () => {
  it('when it has consumed messages on every topic it reads, then each group its consumers run shows lag 0 on each partition, and no other group', async () => {
    const topics = await createCostTopics(2);
    const cost = await startService(db.url, topics, { KAFKA_LAG_INTERVAL_MS: '100' });
    try {
      const { running, expected, measured } = await consumeAndMeasureLag(Object.values(topics), async () =>
        (await fetch(`${cost.url}/metrics`)).text(),
      );
      // the groups come from the broker: whatever cost's consumers are called, each topic it reads has one
      expect([...new Set([...running.values()].flat())].sort()).toEqual(
        [topics.lifecycle, topics.intents, topics.outcomes, topics.directory].sort(),
      );
      expect(measured).toEqual(expected);
    } finally {
      await cost.stop();
    }
  });
});
