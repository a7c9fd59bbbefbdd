import type { Producer, ProducerRecord } from 'kafkajs';
import type { OutboxEvent } from '@rb/kafka-runner';
import { deadLetterMessage, RunnerError } from '@rb/kafka-runner';
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

/** What a re-drive threw, as the runner would see it: a code and a message (anything else is transient). */
export function asRunnerError(error: unknown): RunnerError {
  if (error instanceof RunnerError) return error;
  const code = (error as { code?: unknown })?.code;
  return new RunnerError(
    typeof code === 'string' ? code : 'UNEXPECTED',
    String((error as Error)?.message ?? error),
    'transient',
    {
      cause: error,
    },
  );
}
