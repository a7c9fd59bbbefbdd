import { consumeAndMeasureLag } from '../../../test/support/consumer-lag';
import { createTopic, uniqueName } from '../../../test/support/kafka';
import { callProcessorConfig, createCallProcessorDatabase } from '../test/call-processor-harness';
import { startCallProcessor } from './service';

/** Integration: call-processor's composition root measures the lag of every group it runs (real broker). */
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
beforeAll(async () => {
  db = await createCallProcessorDatabase();
});
afterAll(() => db.drop());

describe('call-processor consumer lag', () => {
  it('when it has consumed messages on the topic it reads, then each group its consumers run shows lag 0 on each partition, and no other group', async () => {
    const topics = {
      retell: uniqueName('it.retell-events'),
      lifecycle: uniqueName('it.lifecycle'),
      intents: uniqueName('it.intents'),
      directory: uniqueName('it.directory'),
    };
    await Promise.all([
      createTopic(topics.retell, 2),
      createTopic(topics.lifecycle),
      createTopic(topics.intents),
      createTopic(topics.directory),
    ]);
    const config = callProcessorConfig(db.url, { KAFKA_LAG_INTERVAL_MS: '100' });
    const service = await startCallProcessor(config, { topics });
    try {
      const { running, expected, measured } = await consumeAndMeasureLag(Object.values(topics), async () =>
        (await fetch(`${service.url}/metrics`)).text(),
      );
      // the group comes from the broker: whatever call-processor's consumer is called, it reads the Retell events
      expect([...new Set([...running.values()].flat())]).toEqual([topics.retell]);
      expect(measured).toEqual(expected);
    } finally {
      await service.stop();
    }
  });
});
