import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type { BookingCommandAnsweredV1, BookingCommandV1, BookRequestedV1 } from '@rb/contracts';
import { BookingCommandV1Schema, frameJson, readFramedJson, registerValueSchema, toKafkaHeaders } from '@rb/contracts';
import { createTopic, testKafka, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import type { Overrides } from '../src/service';
import { admin, createTopics, intentSender, makeIntent, outcomeReader, startService } from './booking-harness';
import { startStatefulCalcom } from './stateful-calcom';

/**
 * The live commands through the whole service, for integration tests: book commands sent as
 * ingress sends them, the answers and outcomes read back, booking started through its composition
 * root on topics of the test's own, a company connected to a stateful fake Cal.com on 127.0.0.1.
 */

/** A book command as ingress sends it for `callId`, choosing the slot at `startUtc` (Berlin, 45 min). */
export function bookCommand(companyId: string, callId: string, startUtc: string, requestedAt: Date): BookRequestedV1 {
  const intent = makeIntent(companyId, startUtc, { callId });
  return {
    type: 'booking.book-requested.v1',
    callId,
    commandId: randomUUID(),
    idempotencyKey: `live:${callId}:book:${startUtc}`,
    attribution: intent.attribution,
    caller: { phone: '+4917612345678' },
    requestedAt: requestedAt.toISOString(),
    service: intent.service,
    start: intent.requestedStart,
    customer: { name: 'Sabine Krüger', phone: null },
    note: null,
  };
}

/** Sends commands registry-framed with CloudEvents headers, keyed by call id (`eventId`: its ce_id). */
export async function commandSender(topic: string) {
  const schemaId = await registerValueSchema(testRegistryUrl(), topic, BookingCommandV1Schema);
  const producer: Producer = testKafka().producer();
  await producer.connect();
  return {
    async send(command: BookingCommandV1, eventId: string = command.commandId): Promise<void> {
      await producer.send({
        topic,
        messages: [
          {
            key: command.callId,
            value: frameJson(schemaId, Buffer.from(JSON.stringify(command))),
            headers: toKafkaHeaders({
              id: eventId,
              type: command.type,
              source: '/retell-booking/ingress',
              time: new Date().toISOString(),
              subject: command.callId,
            }),
          },
        ],
      });
    },
    stop: () => producer.disconnect(),
  };
}

/** Collects every answer on the command-results topic. */
export async function answerReader(topic: string) {
  const received: BookingCommandAnsweredV1[] = [];
  const consumer: Consumer = testKafka().consumer({ groupId: uniqueName('it.answer-reader'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => void received.push(readFramedJson(message.value) as BookingCommandAnsweredV1),
  });
  return {
    of: (callId: string) => received.filter((a) => a.callId === callId),
    stop: () => consumer.disconnect(),
  };
}

/** The sum of the samples of /metrics whose line matches `pattern`. */
export const metricSum = (text: string, pattern: RegExp): number =>
  text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

export type CommandScenario = Awaited<ReturnType<typeof startCommandScenario>>;

/**
 * booking on its own topics (intents, commands and their results, outcomes) and the database at
 * `databaseUrl`, a fake Cal.com whose free starts are `freeStartsUtc`, a company connected to it,
 * and readers of what booking emits. `stop` stops everything (once).
 */
export async function startCommandScenario(
  databaseUrl: string,
  options: { freeStartsUtc: string[]; clock: () => Date; overrides?: Overrides },
) {
  const calcom = await startStatefulCalcom({
    validTokens: ['cal_live_good'],
    freeStartsUtc: options.freeStartsUtc,
    uidPrefix: `${uniqueName('uid')}_`,
  });
  const topics = {
    ...(await createTopics(3)),
    commands: uniqueName('it.booking-commands'),
    commandResults: uniqueName('it.booking-command-results'),
  };
  await Promise.all([createTopic(topics.commands, 3), createTopic(topics.commandResults, 3)]);
  const service = await startService(databaseUrl, topics, {}, { clock: options.clock, ...options.overrides });
  const commands = await commandSender(topics.commands);
  const intents = await intentSender(topics.intents);
  const answers = await answerReader(topics.commandResults);
  const outcomes = await outcomeReader(topics.outcomes);
  const company = randomUUID();
  const connected = await admin(service.port, 'PUT', `/companies/${company}/calcom-account`, {
    baseUrl: calcom.url,
    kind: 'api_key',
    token: 'cal_live_good',
  });
  if (connected.status !== 200) throw new Error(`connecting the company's Cal.com: ${connected.status}`);
  const metrics = async () => (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
  const creates = () => calcom.calls.filter((c) => c === 'POST /v2/bookings').length;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop();
    for (const part of [commands, intents, answers, outcomes, calcom]) await part.stop();
  };
  return { calcom, service, topics, commands, intents, answers, outcomes, company, metrics, creates, stop };
}
