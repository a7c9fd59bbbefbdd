/**
 * `pnpm dlq:replay <topic>.dlq [--event-id <ce_id>]`: puts dead letters back on their original
 * topic (headers restored) once the cause is fixed; consumers are idempotent on the event id, so
 * a replayed event that was already handled does nothing. Only the dead letters present when the
 * command starts are replayed. The command starts no tracing of its own: a replayed message keeps
 * its traceparent, so its consumer's span joins the trace it was first sent in, beside the failed
 * attempt.
 */
import { replayDeadLetters } from '@rb/kafka-runner';
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const [topic, flag, eventId] = process.argv.slice(2);
  if (!topic?.endsWith('.dlq') || (flag && (flag !== '--event-id' || !eventId))) {
    console.error('usage: pnpm dlq:replay <topic>.dlq [--event-id <ce_id>]');
    process.exit(2);
  }
  const kafka = new Kafka({
    clientId: 'dlq-replay',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const replayed = await replayDeadLetters(kafka, topic, {
    filter: eventId ? (m) => m.headers.ce_id === eventId : undefined,
  });
  console.log(`replayed ${replayed} dead letter(s) from ${topic}`);
}

main().catch((error: unknown) => {
  console.error(`dlq:replay failed: ${(error as Error).message}`);
  process.exit(1);
});
