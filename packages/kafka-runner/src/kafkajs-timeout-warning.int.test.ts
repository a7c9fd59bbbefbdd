import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTopic, testBrokers, uniqueName } from '../../../test/support/kafka';

/**
 * patches/kafkajs@2.2.4.patch clamps the request queue's throttle-check delay, which kafkajs 2.2.4
 * computed from `throttledUntil = -1` and so handed to setTimeout as about −Date.now(): Node 24
 * printed a TimeoutNegativeWarning in every process that connected (kafkajs issue #1751). A child
 * process, without any NODE_OPTIONS that could hide warnings, produces and consumes on the real
 * broker and reports every warning it saw.
 */
const CLIENT = `
const { Kafka, logLevel } = require('kafkajs');
const warnings = [];
process.on('warning', (w) => warnings.push({ name: w.name, message: w.message }));
const [brokers, topic, groupId] = process.argv.slice(1);
(async () => {
  const kafka = new Kafka({ clientId: 'warning-check', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v' }] });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let consumed = 0;
  await new Promise((resolve) => consumer.run({ eachMessage: async () => { consumed++; resolve(); } }));
  await consumer.disconnect();
  await producer.disconnect();
  // warnings are emitted on the next tick: let them arrive before reporting
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(JSON.stringify({ consumed, warnings }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

describe('kafkajs on Node 24', () => {
  it('when a process produces and consumes on the real broker, then it emits no TimeoutNegativeWarning', async () => {
    const topic = uniqueName('it.timeout-warning');
    await createTopic(topic);
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // a --disable-warning there would hide what this test looks for
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', CLIENT, testBrokers().join(','), topic, uniqueName('it.timeout-warning')],
      { cwd: __dirname, env, timeout: 45_000 },
    );
    const report = JSON.parse(stdout) as { consumed: number; warnings: { name: string; message: string }[] };
    expect(report.consumed).toBe(1);
    expect(report.warnings.filter((w) => w.name === 'TimeoutNegativeWarning')).toEqual([]);
  });
});
