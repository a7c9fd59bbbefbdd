import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/paths';
import { createTopic, messageCount, uniqueName } from '../../../test/support/kafka';
import { postWebhook, startTestIngress, withFreshCallId } from './support';

/**
 * Stops the real local broker, so it runs in the serial chaos pass (JEST_CHAOS=1), after the
 * other suites. Needs the broker that scripts/infra.sh manages.
 */
const infra = (...args: string[]) =>
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'infra.sh'), ...args], { stdio: 'pipe' });

describe('ingress when the broker goes down and comes back', () => {
  const topic = uniqueName('chaos.retell-events');
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;

  beforeAll(async () => {
    await createTopic(topic);
    ingress = await startTestIngress(topic, { PRODUCE_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    infra('up', 'kafka');
    await ingress?.stop();
  });

  it('when the broker is down, then 503 with Retry-After and nothing acknowledged; when it is back, then the retry is stored once without restarting ingress', async () => {
    const { body } = withFreshCallId('02-call_ended.salon-inbound.json');
    const healthy = withFreshCallId('01-call_started.salon-inbound.json');
    expect((await postWebhook(ingress.url, healthy.body)).status).toBe(204);

    infra('down', 'kafka');
    const during = await postWebhook(ingress.url, body);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(await during.json()).toEqual({ error: 'kafka_unavailable' });
    // readiness asks the broker itself (at once after the failed produce, then every 2 s)
    let notReady = { waitingFor: [] as string[] };
    for (let i = 0; i < 50 && !notReady.waitingFor.includes('kafka'); i++) {
      notReady = (await (await fetch(`${ingress.opsUrl}/readyz`)).json()) as { waitingFor: string[] };
      if (!notReady.waitingFor.includes('kafka')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(notReady.waitingFor).toContain('kafka');

    infra('up', 'kafka');
    // Retell retries the same delivery: either the produce that was in flight at the 503 was
    // stored after all (then the retry is a duplicate) or its claim was released and the retry
    // stores it. Either way: acknowledged, and on the topic exactly once.
    let retry = await postWebhook(ingress.url, body);
    for (let attempt = 0; retry.status === 503 && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      retry = await postWebhook(ingress.url, body);
    }
    expect([200, 204]).toContain(retry.status);
    expect((await postWebhook(ingress.url, body)).status).toBe(200);
    expect(await messageCount(topic)).toBe(2);
    let ready = { ready: false };
    for (let i = 0; i < 50 && !ready.ready; i++) {
      ready = (await (await fetch(`${ingress.opsUrl}/readyz`)).json()) as { ready: boolean };
      if (!ready.ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready.ready).toBe(true);
  });
});
