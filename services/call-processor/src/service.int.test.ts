import type { Kafka } from 'kafkajs';
import { callProcessorConfig, createCallProcessorDatabase } from '../test/call-processor-harness';
import { createTopic, testKafka, uniqueName } from '../../../test/support/kafka';
import { startCallProcessor } from './service';

/** Integration: call-processor as main starts it, against the real broker, PostgreSQL and registry. */
let db: Awaited<ReturnType<typeof createCallProcessorDatabase>>;
beforeAll(async () => {
  db = await createCallProcessorDatabase();
});
afterAll(() => db.drop());

/** The test's Kafka client, with a way to crash the consumers made from it as kafkajs would. */
function crashableKafka(): { kafka: Kafka; crash(error: Error): void } {
  const kafka = testKafka();
  const listeners: ((event: unknown) => void)[] = [];
  const crashable = Object.create(kafka) as Kafka;
  crashable.consumer = (config) => {
    const consumer = kafka.consumer(config);
    const on = consumer.on.bind(consumer);
    consumer.on = ((event: string, listener: (event: unknown) => void) => {
      if (event === consumer.events.CRASH) listeners.push(listener);
      return on(event as never, listener as never);
    }) as typeof consumer.on;
    return consumer;
  };
  return {
    kafka: crashable,
    crash: (error) => listeners.forEach((listener) => listener({ payload: { error, restart: false } })),
  };
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
};

describe('startCallProcessor', () => {
  it('when its consumer stops for good (a configuration error), then the service is not live and reports itself fatal', async () => {
    const retell = uniqueName('it.retell-events');
    await createTopic(retell);
    const { kafka, crash } = crashableKafka();
    const fatal: string[] = [];
    const service = await startCallProcessor(callProcessorConfig(db.url), {
      kafka,
      topics: {
        retell,
        lifecycle: uniqueName('it.lifecycle'),
        intents: uniqueName('it.intents'),
        directory: uniqueName('it.directory'),
      },
      onFatal: (reason) => fatal.push(reason),
    });
    try {
      expect(await get(`${service.url}/livez`)).toEqual({ status: 200, body: { live: true } });

      crash(Object.assign(new Error('not authorised for the group'), { type: 'GROUP_AUTHORIZATION_FAILED' }));

      expect(fatal).toEqual(['consumer_stopped']);
      expect(await get(`${service.url}/livez`)).toEqual({ status: 503, body: { live: false } });
      expect(await get(`${service.url}/readyz`)).toMatchObject({
        status: 503,
        body: { ready: false, waitingFor: expect.arrayContaining(['consumer']) as unknown },
      });
    } finally {
      await service.stop();
    }
  });
});
