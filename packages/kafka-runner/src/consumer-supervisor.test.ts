import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import type { RestartReport } from './consumer-supervisor';
import { ConsumerSupervisor, isConfigurationError } from './consumer-supervisor';

/** What the supervisor uses of a kafkajs consumer: its CRASH and GROUP_JOIN events, disconnect. */
class FakeConsumer extends EventEmitter {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  disconnected = false;
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  crash(error: Error): void {
    this.emit(this.events.CRASH, { payload: { error, groupId: 'g', restart: false } });
  }
  join(): void {
    this.emit(this.events.GROUP_JOIN, { payload: {} });
  }
}

/** kafkajs's errors as they reach the crash listener: a name, a protocol type, a cause chain. */
function kafkaError(name: string, message: string, type?: string, cause?: Error): Error {
  return Object.assign(new Error(message), { name, ...(type ? { type } : {}), ...(cause ? { cause } : {}) });
}
const coordinatorNotFound = () => kafkaError('KafkaJSGroupCoordinatorNotFound', 'Failed to find group coordinator');
const refused = () => kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092');

function setUp(runFails: () => Error | undefined = () => undefined) {
  const consumers: FakeConsumer[] = [];
  const restarts: RestartReport[] = [];
  const crashes: { message: string; restarting: boolean }[] = [];
  const supervisor = new ConsumerSupervisor({
    groupId: 'booking',
    topics: ['calls.booking-intents.v1'],
    create: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer as unknown as Consumer;
    },
    run: async () => {
      const failure = runFails();
      if (failure) throw failure;
    },
    backoff: { initialMs: 1_000, maxMs: 30_000 },
    onRestart: (report) => restarts.push(report),
    random: () => 1, // no jitter: each delay is its ceiling
  });
  supervisor.onCrash((error, restarting) => crashes.push({ message: error.message, restarting }));
  return { supervisor, consumers, restarts, crashes, latest: () => consumers[consumers.length - 1]! };
}

describe('the consumer supervisor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when kafkajs gives up on a crash ("Failed to find group coordinator"), then a fresh consumer runs after the backoff and the restart is reported', async () => {
    const { supervisor, consumers, restarts, crashes } = setUp();
    await supervisor.start();
    consumers[0]!.crash(coordinatorNotFound());

    expect(crashes).toEqual([{ message: 'Failed to find group coordinator', restarting: true }]);
    expect(restarts).toEqual([
      {
        groupId: 'booking',
        topics: ['calls.booking-intents.v1'],
        attempt: 1,
        delayMs: 1_000,
        error: { name: 'KafkaJSGroupCoordinatorNotFound', message: 'Failed to find group coordinator' },
      },
    ]);
    await jest.advanceTimersByTimeAsync(999);
    expect(consumers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnected).toBe(true);
    expect(supervisor.consumer).toBe(consumers[1]);
  });

  it('when the broker stays away, then every failed restart is followed by another, the delay doubling up to its cap, for as long as it takes', async () => {
    let brokerUp = true;
    const { supervisor, consumers, restarts } = setUp(() => (brokerUp ? undefined : refused()));
    await supervisor.start();
    brokerUp = false;
    consumers[0]!.crash(coordinatorNotFound());
    // each wait runs exactly the next restart, which fails and schedules another
    for (let i = 0; i < 12; i++) await jest.advanceTimersByTimeAsync(restarts[restarts.length - 1]!.delayMs);

    expect(restarts.map((r) => r.delayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ]);
    expect(consumers.every((c, i) => i === consumers.length - 1 || c.disconnected)).toBe(true);

    brokerUp = true;
    await jest.advanceTimersByTimeAsync(restarts[restarts.length - 1]!.delayMs);
    const running = supervisor.consumer as unknown as FakeConsumer;
    expect(running.disconnected).toBe(false);
    expect(restarts).toHaveLength(13);

    // joined its group: the next crash starts from the shortest delay again
    running.join();
    running.crash(coordinatorNotFound());
    expect(restarts[13]).toMatchObject({ attempt: 1, delayMs: 1_000 });
  });

  it('when a crash is a configuration error, then nothing restarts and every listener, even a late one, hears it is final', async () => {
    const { supervisor, consumers, restarts, crashes } = setUp();
    await supervisor.start();
    const invalidTimeout = kafkaError(
      'KafkaJSNonRetriableError',
      'The session timeout is not within the range allowed by the broker',
      undefined,
      kafkaError('KafkaJSProtocolError', 'The session timeout is not within the range', 'INVALID_SESSION_TIMEOUT'),
    );
    consumers[0]!.crash(invalidTimeout);
    await jest.advanceTimersByTimeAsync(60_000);

    expect(consumers).toHaveLength(1);
    expect(restarts).toEqual([]);
    expect(crashes).toEqual([{ message: invalidTimeout.message, restarting: false }]);
    const late: boolean[] = [];
    supervisor.onCrash((_, restarting) => late.push(restarting));
    expect(late).toEqual([false]);
  });

  it('when the consumer crashes for good while starting, then start fails with that error', async () => {
    const consumers: FakeConsumer[] = [];
    const supervisor = new ConsumerSupervisor({
      groupId: 'g',
      topics: ['t'],
      create: () => {
        consumers.push(new FakeConsumer());
        return consumers[0] as unknown as Consumer;
      },
      // kafkajs reports a failed join as a crash while run() resolves
      run: async () =>
        consumers[0]!.crash(kafkaError('KafkaJSProtocolError', 'Not authorized', 'GROUP_AUTHORIZATION_FAILED')),
      backoff: { initialMs: 1_000, maxMs: 30_000 },
    });
    await expect(supervisor.start()).rejects.toThrow('Not authorized');
  });

  it('when stopped while a restart waits, then no consumer is created and a late crash of the old one changes nothing', async () => {
    const { supervisor, consumers, restarts } = setUp();
    await supervisor.start();
    consumers[0]!.crash(coordinatorNotFound());
    await supervisor.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    consumers[0]!.crash(refused());
    expect(consumers).toHaveLength(1);
    expect(restarts).toHaveLength(1);
  });
});

describe('which crashes are configuration errors', () => {
  const timeout = kafkaError('KafkaJSRequestTimeoutError', 'Request timed out');
  const badSessionTimeout = kafkaError('KafkaJSProtocolError', 'y', 'INVALID_SESSION_TIMEOUT');
  it.each([
    ['the group coordinator not found', false, coordinatorNotFound()],
    ['a refused connection', false, refused()],
    [
      'retries exhausted on a request timeout',
      false,
      kafkaError('KafkaJSNumberOfRetriesExceeded', 'x', undefined, timeout),
    ],
    ['a topic missing for a while', false, kafkaError('KafkaJSProtocolError', 'x', 'UNKNOWN_TOPIC_OR_PARTITION')],
    ['a bug of ours (TypeError)', false, new TypeError('x is not a function')],
    ['topic authorization refused', true, kafkaError('KafkaJSProtocolError', 'x', 'TOPIC_AUTHORIZATION_FAILED')],
    ['SASL authentication failed', true, kafkaError('KafkaJSSASLAuthenticationError', 'x')],
    [
      'a refused session timeout, wrapped',
      true,
      kafkaError('KafkaJSNonRetriableError', 'x', undefined, badSessionTimeout),
    ],
  ] as const)('when the crash is %s, then configuration error: %s', (_, expected, error) => {
    expect(isConfigurationError(error)).toBe(expected);
  });
});
