import type { Producer, ProducerRecord } from 'kafkajs';
import type { OutboxEvent, RunnerError } from '@rb/kafka-runner';
import { deadLetterMessage } from '@rb/kafka-runner';
import type { ParkedIntent } from './parked-intents.repository';

/**
 * A parked intent given up, as the outbox row of its dead letter: the runner's own dead letter
 * (the message as it came, the `dlq_*` headers with personal data scrubbed), captured instead of
 * sent, so it is written in the transaction that drops the parked row and its inbox claim.
 */
export async function deadLetterEvent(
  parked: ParkedIntent,
  error: RunnerError,
  attempts: number,
  consumer: string,
): Promise<OutboxEvent> {
  let captured: OutboxEvent | undefined;
  const outbox = {
    send: async ({ topic, messages }: ProducerRecord) => {
      const [message] = messages;
      captured = {
        topic,
        key: String(message?.key ?? parked.callId),
        value: Buffer.from(message?.value ?? Buffer.alloc(0)),
        headers: Object.fromEntries(Object.entries(message?.headers ?? {}).map(([k, v]) => [k, String(v)])),
      };
      return [];
    },
  };
  await deadLetterMessage(outbox as unknown as Producer, parked.message, { error, attempts, consumer });
  return captured!;
}
