/**
 * `pnpm dlq:list <topic>.dlq`: what waits on a dead-letter topic, from its headers only (the
 * values, which may hold personal data, are not printed): one line per dead letter — where it came
 * from, its event id and type, the error code, attempts, when and which consumer — then the count
 * per error code. Moves nobody's position; `pnpm dlq:replay` puts them back once the cause is fixed.
 */
import { listDeadLetters } from '@rb/kafka-runner';
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const [topic] = process.argv.slice(2);
  if (!topic?.endsWith('.dlq')) {
    console.error('usage: pnpm dlq:list <topic>.dlq');
    process.exit(2);
  }
  const kafka = new Kafka({
    clientId: 'dlq-list',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const letters = await listDeadLetters(kafka, topic);
  const perCode = new Map<string, number>();
  for (const d of letters) {
    const code = d.errorCode ?? 'UNSPECIFIED';
    perCode.set(code, (perCode.get(code) ?? 0) + 1);
    console.log(
      `p${d.partition}@${d.offset}  ${d.failedAt ?? '?'}  from ${d.originalTopic ?? '?'}  key=${d.key ?? '-'}  ` +
        `ce_id=${d.eventId ?? '-'}  type=${d.eventType ?? '-'}  ${code} after ${d.attempts ?? '?'} attempt(s) ` +
        `in ${d.consumer ?? '?'}: ${(d.errorMessage ?? '').slice(0, 200)}`,
    );
  }
  const summary = [...perCode].map(([code, n]) => `${code}: ${n}`).join(', ');
  console.log(`${letters.length} dead letter(s) on ${topic}${summary ? ` (${summary})` : ''}`);
}

main().catch((error: unknown) => {
  console.error(`dlq:list failed: ${(error as Error).message}`);
  process.exit(1);
});
