import { callProcessorConfig, createCallProcessorDatabase } from '../test/call-processor-harness';
import { createTopic, uniqueName } from '../../../test/support/kafka';
import { startCallProcessor } from './service';

/** Integration: call-processor's composition root measures its consumer group's lag (real broker). */
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
beforeAll(async () => {
  db = await createCallProcessorDatabase();
});
afterAll(() => db.drop());

describe('call-processor consumer lag', () => {
  it('when it runs, then /metrics shows kafka_consumer_lag of its group on the Retell events topic', async () => {
    const retell = uniqueName('it.retell-events');
    await createTopic(retell, 2);
    const groupId = uniqueName('it.call-processor');
    const config = callProcessorConfig(db.url, { KAFKA_GROUP_ID: groupId, KAFKA_LAG_INTERVAL_MS: '100' });
    const service = await startCallProcessor(config, {
      topics: {
        retell,
        lifecycle: uniqueName('it.lifecycle'),
        intents: uniqueName('it.intents'),
        directory: uniqueName('it.directory'),
      },
    });
    try {
      const series = (partition: number) =>
        new RegExp(
          `^kafka_consumer_lag\\{(?=[^}]*group="${groupId}")(?=[^}]*topic="${retell}")(?=[^}]*partition="${partition}")[^}]*\\} 0$`,
          'm',
        );
      const deadline = Date.now() + 20_000;
      let metrics = '';
      while (!(series(0).test(metrics) && series(1).test(metrics))) {
        if (Date.now() > deadline) throw new Error(`no lag series for ${groupId} in:\n${metrics}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await (await fetch(`${service.url}/metrics`)).text();
      }
      expect(metrics).toMatch(new RegExp(`^kafka_consumer_lag_errors_total\\{group="${groupId}"[^}]*\\} 0$`, 'm'));
    } finally {
      await service.stop();
    }
  });
});
