/**
 * booking as its own process, on the tests' topics, for tests that kill it (SIGKILL: no
 * shutdown, no commit) half-way through an intent. Prints `listening <port>` when ready.
 * Env: DATABASE_URL, INTENTS_TOPIC, DIRECTORY_TOPIC, OUTCOMES_TOPIC, KAFKA_GROUP_ID.
 */
import { testConfig } from './booking-harness';
import { startBooking } from '../src/service';

async function main(): Promise<void> {
  const env = process.env;
  const config = testConfig(env.DATABASE_URL!, {
    KAFKA_GROUP_ID: env.KAFKA_GROUP_ID!,
    CALCOM_TIMEOUT_MS: '2000',
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
    INTENT_LEASE_SECONDS: '5',
  });
  const service = await startBooking(config, {
    topics: { intents: env.INTENTS_TOPIC!, directory: env.DIRECTORY_TOPIC!, outcomes: env.OUTCOMES_TOPIC! },
    clock: () => new Date('2026-10-01T08:00:00Z'),
  });
  process.stdout.write(`listening ${service.port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
