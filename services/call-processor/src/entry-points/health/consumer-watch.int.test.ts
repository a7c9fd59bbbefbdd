import type { Consumer } from 'kafkajs';
import { createTopic, testKafka, uniqueName } from '../../../../../test/support/kafka';
import { watchConsumers } from './consumer-watch';

/** Integration: the real broker. */
describe('watching the consumer for readiness', () => {
  const event = (consumer: Consumer, name: 'GROUP_JOIN' | 'CRASH') =>
    new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events[name], () => (remove(), resolve()));
    });

  it('when the consumer joins, crashes and a new one joins, then it runs, does not, runs again; after disconnect it does not', async () => {
    const topic = uniqueName('it.consumer-watch');
    await createTopic(topic);
    const watch = watchConsumers(testKafka());
    const groupId = uniqueName('it.watch');
    // like the runner's: no restart by kafkajs, a crash is final for this consumer
    const consumer = () =>
      watch.kafka.consumer({
        groupId,
        maxWaitTimeInMs: 100,
        retry: { retries: 0, restartOnFailure: async () => false },
      });
    expect(watch.running()).toBe(false);

    const first = consumer();
    const joined = event(first, 'GROUP_JOIN');
    await first.connect();
    await first.subscribe({ topics: [topic], fromBeginning: true });
    await first.run({
      eachMessage: async () => {
        throw new Error('the handler fails for good');
      },
    });
    await joined;
    expect(watch.running()).toBe(true);

    const crashed = event(first, 'CRASH');
    const producer = watch.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();
    await crashed;
    expect(watch.running()).toBe(false);

    const second = consumer(); // what the runner does after a crash
    const rejoined = event(second, 'GROUP_JOIN');
    await second.connect();
    await second.subscribe({ topics: [topic] });
    await second.run({ eachMessage: async () => undefined });
    await rejoined;
    expect(watch.running()).toBe(true);

    await first.disconnect(); // the old one going away changes nothing
    expect(watch.running()).toBe(true);
    await second.disconnect();
    expect(watch.running()).toBe(false);
  });
});
