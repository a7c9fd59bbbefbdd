import type { Consumer, Kafka } from 'kafkajs';

/**
 * A Kafka client to hand the consumer runner, which watches every consumer made from it: the
 * latest one runs from joining its group until it crashes, stops or disconnects. A consumer the
 * runner builds after a crash runs again once it has joined.
 */
export function watchConsumers(kafka: Kafka): { kafka: Kafka; running: () => boolean } {
  let current: Consumer | undefined;
  let running = false;
  const watched = Object.create(kafka) as Kafka;
  watched.consumer = (config) => {
    const consumer = kafka.consumer(config);
    current = consumer;
    running = false;
    const set = (value: boolean) => () => {
      if (consumer === current) running = value;
    };
    consumer.on(consumer.events.GROUP_JOIN, set(true));
    consumer.on(consumer.events.CRASH, set(false));
    consumer.on(consumer.events.STOP, set(false));
    consumer.on(consumer.events.DISCONNECT, set(false));
    return consumer;
  };
  return { kafka: watched, running: () => running };
}
