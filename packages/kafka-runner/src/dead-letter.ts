import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import { toConsumed } from './consumed-message';
import type { RunnerError } from './errors';
import { redactPersonalData, safeErrorCode } from './personal-data';

export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

const DLQ_HEADERS = [
  'dlq_original_topic',
  'dlq_original_partition',
  'dlq_original_offset',
  'dlq_error_code',
  'dlq_error_message',
  'dlq_attempts',
  'dlq_consumer',
  'dlq_failed_at',
] as const;

/**
 * The message as it came (key, value, headers) plus what went wrong, on `<topic>.dlq`, acks=all.
 * The error's code and text often quote someone else (a remote API's answer): headers are read by
 * more people and tools than values, so e-mail addresses and phone numbers in them are replaced
 * and a code that is not a plain code is not copied.
 */
export async function deadLetterMessage(
  producer: Producer,
  message: ConsumedMessage,
  failure: { error: Pick<RunnerError, 'code' | 'message'>; attempts: number; consumer: string },
): Promise<void> {
  await producer.send({
    topic: deadLetterTopic(message.topic),
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          dlq_original_topic: message.topic,
          dlq_original_partition: String(message.partition),
          dlq_original_offset: message.offset,
          dlq_error_code: safeErrorCode(failure.error.code) ?? 'UNSPECIFIED',
          dlq_error_message: redactPersonalData(failure.error.message).slice(0, 1_000),
          dlq_attempts: String(failure.attempts),
          dlq_consumer: failure.consumer,
          dlq_failed_at: new Date().toISOString(),
        },
      },
    ],
  });
}

/**
 * Replays dead letters onto their original topic (headers restored, the dlq_* ones dropped), the
 * ones up to the DLQ's current end, from the start each time (the DLQ itself is never consumed
 * away: a filtered replay leaves the others for a later one); returns how many. Consumers are idempotent on the event id,
 * so replaying one that was already fixed by hand does no harm.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  options: { groupId?: string; filter?: (m: ConsumedMessage) => boolean } = {},
): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  let replayed = 0;
  try {
    await readDeadLetters(
      kafka,
      dlqTopic,
      options.groupId ?? `${dlqTopic}.replay.${Date.now().toString(36)}`,
      async (read, message) => {
        const headers = Object.fromEntries(
          Object.entries(read.headers).filter(([name]) => !(DLQ_HEADERS as readonly string[]).includes(name)),
        );
        const consumed = { ...read, topic: read.headers.dlq_original_topic ?? dlqTopic.replace(/\.dlq$/, ''), headers };
        if (options.filter && !options.filter(consumed)) return;
        await producer.send({
          topic: consumed.topic,
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers }],
        });
        replayed++;
      },
    );
  } finally {
    await producer.disconnect();
  }
  return replayed;
}

/** What an operator sees of a dead letter: where it came from and why it failed, never its value. */
export interface DeadLetterSummary {
  partition: number;
  offset: string;
  /** the aggregate id it was keyed by (a call id or an entity id: never personal data) */
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  originalTopic: string | null;
  errorCode: string | null;
  /** as stored: redacted of e-mail addresses and phone numbers when it was dead-lettered */
  errorMessage: string | null;
  attempts: number | null;
  consumer: string | null;
  failedAt: string | null;
}

/**
 * The dead letters on `dlqTopic` up to its current end, summarised from their headers (the
 * values, which may hold personal data, are not read out), without moving anyone's position.
 */
export async function listDeadLetters(kafka: Kafka, dlqTopic: string): Promise<DeadLetterSummary[]> {
  const found: DeadLetterSummary[] = [];
  await readDeadLetters(kafka, dlqTopic, `${dlqTopic}.list.${Date.now().toString(36)}`, async (read) => {
    const h = read.headers;
    found.push({
      partition: read.partition,
      offset: read.offset,
      key: read.key,
      eventId: h.ce_id ?? null,
      eventType: h.ce_type ?? null,
      originalTopic: h.dlq_original_topic ?? null,
      errorCode: h.dlq_error_code ?? null,
      errorMessage: h.dlq_error_message ?? null,
      attempts: h.dlq_attempts === undefined ? null : Number(h.dlq_attempts),
      consumer: h.dlq_consumer ?? null,
      failedAt: h.dlq_failed_at ?? null,
    });
  });
  return found;
}

/**
 * Reads `dlqTopic` from its start up to the end it has now, with a consumer group of its own
 * (a remembered position would skip or wait for dead letters), never committing.
 */
async function readDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  groupId: string,
  each: (read: ConsumedMessage, message: KafkaMessage) => Promise<void>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(dlqTopic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [dlqTopic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            await each(toConsumed(dlqTopic, partition, message), message);
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
