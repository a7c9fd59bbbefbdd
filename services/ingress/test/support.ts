import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { RETELL_FIXTURES_DIR } from '../../../test/paths';
import { createTopic, testBrokers, testRedisUrl, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import { parseConfig } from '../src/config';
import type { Config } from '../src/config';
import { startIngress } from '../src/service';
import type { RunningIngress } from '../src/service';
import { signRetellBody } from '../src/webhooks/verify-signature';

/** Signs a body as Retell does: for tests, the demo and anything else that plays Retell. */
export { signRetellBody };

export const TEST_API_KEY = 'key_test_integration_0001';

export function testConfig(overrides: Record<string, string> = {}): Config {
  const parsed = parseConfig({
    PORT: '0',
    OPS_PORT: '0',
    RETELL_API_KEY: TEST_API_KEY,
    KAFKA_BROKERS: testBrokers().join(','),
    SCHEMA_REGISTRY_URL: testRegistryUrl(),
    REDIS_URL: testRedisUrl(),
    PRODUCE_TIMEOUT_MS: '3000',
    ...overrides,
  });
  if (parsed.kind === 'invalid') throw new Error(parsed.problems.join('; '));
  return parsed.config;
}

/** A test's own pair of booking command topics (new, empty): where ingress sends commands and reads answers. */
export async function createCommandTopics(): Promise<{ commandsTopic: string; commandResultsTopic: string }> {
  const topics = {
    commandsTopic: uniqueName('it.ingress-commands'),
    commandResultsTopic: uniqueName('it.ingress-results'),
  };
  await Promise.all(Object.values(topics).map((t) => createTopic(t)));
  return topics;
}

/** ingress on its own events topic, its own (new, empty unless given) directory topic and its own command topics. */
export async function startTestIngress(
  topic: string,
  overrides: Record<string, string> = {},
  directoryTopic?: string,
  commandTopics?: { commandsTopic: string; commandResultsTopic: string },
): Promise<
  RunningIngress & { config: Config; directoryTopic: string; commandsTopic: string; commandResultsTopic: string }
> {
  const config = testConfig(overrides);
  const directory = directoryTopic ?? uniqueName('it.ingress-directory');
  if (!directoryTopic) await createTopic(directory);
  const commands = commandTopics ?? (await createCommandTopics());
  const ingress = await startIngress(config, {
    log: pino({ level: 'silent' }),
    topic,
    directoryTopic: directory,
    ...commands,
  });
  return { ...ingress, config, directoryTopic: directory, ...commands };
}

export const fixtureBytes = (file: string): Buffer => readFileSync(join(RETELL_FIXTURES_DIR, file));

/** A fixture with its call id replaced, so tests never share Redis dedup keys. */
export function withFreshCallId(file: string): { body: Buffer; callId: string } {
  const original = fixtureBytes(file).toString('utf8');
  const oldId = (JSON.parse(original) as { call: { call_id: string } }).call.call_id;
  const callId = uniqueName('call').replace('.', '_');
  return { body: Buffer.from(original.split(oldId).join(callId), 'utf8'), callId };
}

export async function postWebhook(
  url: string,
  body: Buffer | string,
  { key = TEST_API_KEY, at = Date.now(), signature }: { key?: string; at?: number; signature?: string } = {},
): Promise<Response> {
  return fetch(`${url}/webhooks/retell`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': signature ?? signRetellBody(body, key, at) },
    body,
  });
}
