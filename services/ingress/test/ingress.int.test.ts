import { once } from 'node:events';
import { connect } from 'node:net';
import { readSchemaId } from '@rb/contracts';
import { RegistrySerde } from '@rb/contracts/serde';
import {
  createTopic,
  messageCount,
  readAll,
  testRegistryUrl,
  uniqueName,
  withAdmin,
} from '../../../test/support/kafka';
import { createLogger } from '@rb/observability';
import { startIngress } from '../src/service';
import {
  createCommandTopics,
  fixtureBytes,
  postWebhook,
  signRetellBody,
  startTestIngress,
  TEST_API_KEY,
  testConfig,
  withFreshCallId,
} from './support';

/** Integration: real Kafka broker (acks=all), real schema registry, real Redis. */
describe('ingress against the real broker, registry and Redis', () => {
  const topic = uniqueName('it.retell-events');
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;

  beforeAll(async () => {
    await createTopic(topic);
    ingress = await startTestIngress(topic);
  });
  afterAll(() => ingress?.stop());

  it('when a signed call_ended is posted, then it is on the topic keyed by call id, with CloudEvents headers and the exact bytes', async () => {
    const before = await messageCount(topic);
    const { body, callId } = withFreshCallId('02-call_ended.salon-inbound.json');
    expect(body.toString('utf8')).toMatch(/ü|ß/);

    const response = await postWebhook(ingress.url, body);
    expect(response.status).toBe(204);

    const message = (await readAll(topic)).find((m) => m.key?.toString() === callId);
    expect(await messageCount(topic)).toBe(before + 1);
    expect(message).toBeDefined();
    const headers = Object.fromEntries(Object.entries(message!.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: `${callId}:call_ended`,
      ce_type: 'ai.retell.webhook.call_ended',
      ce_source: '/retell-booking/ingress',
      ce_subject: callId,
      correlationid: callId,
      'content-type': 'application/json',
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(Date.parse(headers.ce_time!)).toBeGreaterThan(Date.now() - 60_000);

    // registry wire format around the unchanged body, decodable (and validated) through the registry
    const value = message!.value!;
    expect(value.subarray(5).equals(body)).toBe(true);
    const decoded = await new RegistrySerde(testRegistryUrl()).decode(value);
    expect(decoded.schemaId).toBe(readSchemaId(value));
    expect(decoded.value).toEqual(JSON.parse(body.toString('utf8')));
  });

  it('when a signed webhook comes with a traceparent header, then the stored event starts a trace of ours, not the one the request named', async () => {
    const { body, callId } = withFreshCallId('02-call_ended.salon-inbound.json');
    // anyone can send this header (it is not signed): it must choose neither our trace ids nor the sampling
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await fetch(`${ingress.url}/webhooks/retell`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
        traceparent: incoming,
      },
      body,
    });
    expect(response.status).toBe(204);
    const message = (await readAll(topic)).find((m) => m.key?.toString() === callId);
    const traceparent = message?.headers?.traceparent?.toString();
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceparent).not.toBe(incoming);
    expect(traceparent!.split('-')[1]).not.toBe(incoming.split('-')[1]);
  });

  it('when the same event is delivered 8 times concurrently, then all get 2xx and one message is stored', async () => {
    const before = await messageCount(topic);
    const { body } = withFreshCallId('03-call_analyzed.salon-inbound.json');
    const responses = await Promise.all(Array.from({ length: 8 }, () => postWebhook(ingress.url, body)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 204]);
    expect(await messageCount(topic)).toBe(before + 1);

    const later = await postWebhook(ingress.url, body);
    expect(later.status).toBe(200);
    expect(await later.json()).toEqual({ status: 'duplicate' });
    expect(await messageCount(topic)).toBe(before + 1);
  });

  it('when call_started, call_ended and call_analyzed of one call arrive, then all three are stored in order on one key', async () => {
    const started = withFreshCallId('01-call_started.salon-inbound.json');
    const callId = started.callId;
    const rewrite = (file: string) =>
      Buffer.from(fixtureBytes(file).toString('utf8').split('call_f2850187afb6412ea6d31b4db39').join(callId));
    for (const body of [
      started.body,
      rewrite('02-call_ended.salon-inbound.json'),
      rewrite('03-call_analyzed.salon-inbound.json'),
    ]) {
      expect((await postWebhook(ingress.url, body)).status).toBe(204);
    }
    const types = (await readAll(topic))
      .filter((m) => m.key?.toString() === callId)
      .map((m) => String(m.headers?.ce_type));
    expect(types).toEqual([
      'ai.retell.webhook.call_started',
      'ai.retell.webhook.call_ended',
      'ai.retell.webhook.call_analyzed',
    ]);
  });

  it('when an event type the contracts do not know arrives with the envelope, then it is stored as-is and counted', async () => {
    const callId = uniqueName('call').replace('.', '_');
    const body = Buffer.from(JSON.stringify({ event: 'call_reviewed', call: { call_id: callId, novelty: 'ä' } }));
    expect((await postWebhook(ingress.url, body)).status).toBe(204);
    const message = (await readAll(topic)).find((m) => m.key?.toString() === callId);
    expect(message?.value?.subarray(5).equals(body)).toBe(true);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_unknown_events_total\{event_type="call_reviewed",service="ingress"\} 1/);
  });

  it('when the signature is wrong, stale or missing, then 401 and nothing is stored', async () => {
    const before = await messageCount(topic);
    const { body } = withFreshCallId('01-call_started.salon-inbound.json');
    expect((await postWebhook(ingress.url, body, { key: 'not-the-key-000' })).status).toBe(401);
    expect((await postWebhook(ingress.url, body, { at: Date.now() - 6 * 60_000 })).status).toBe(401);
    const missing = await fetch(`${ingress.url}/webhooks/retell`, { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'bad_signature', detail: 'missing' });
    expect(await messageCount(topic)).toBe(before);
  });

  it('when the body is malformed JSON or violates the contract, then 400 names the failing fields', async () => {
    const malformed = await postWebhook(ingress.url, '{"event":"call_ended","call":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'malformed_json' });

    const { body } = withFreshCallId('02-call_ended.salon-inbound.json');
    const wrong = JSON.parse(body.toString('utf8')) as { call: Record<string, unknown> };
    wrong.call.duration_ms = 'long';
    const violation = await postWebhook(ingress.url, JSON.stringify(wrong));
    expect(violation.status).toBe(400);
    expect(await violation.json()).toEqual({
      error: 'schema_violation',
      issues: [expect.objectContaining({ path: 'call.duration_ms' })],
    });
  });

  it('when the body is larger than the limit, then 413', async () => {
    const huge = JSON.stringify({
      event: 'call_ended',
      call: { call_id: 'x', transcript: 'a'.repeat(ingress.config.MAX_BODY_BYTES) },
    });
    const response = await postWebhook(ingress.url, huge);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('when /livez, /readyz and /metrics are asked, then ingress is live, ready and exports its metrics', async () => {
    expect((await fetch(`${ingress.opsUrl}/livez`)).status).toBe(200);
    const ready = await fetch(`${ingress.opsUrl}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, waitingFor: [] });
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    for (const pattern of [
      /http_request_duration_seconds_bucket\{le="0.025",service="ingress",method="POST",route="\/webhooks\/retell",status_code="204"\} [1-9]/,
      /ingress_events_produced_total\{event_type="call_ended",service="ingress"\} [1-9]/,
      /ingress_webhook_rejections_total\{reason="bad_signature",service="ingress"\} [1-9]/,
      /ingress_duplicates_dropped_total\{event_type="call_analyzed",service="ingress"\} [1-9]/,
      /ingress_produce_batch_size_count\{service="ingress"\} [1-9]/,
      /process_resident_memory_bytes\{service="ingress"\} \d+/,
    ]) {
      expect(metrics).toMatch(pattern);
    }
  });

  it('when an unknown path is asked, then 404 with a JSON reason', async () => {
    const response = await fetch(`${ingress.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });
});

describe('ingress rate limiting and Redis failure', () => {
  it('when a business exceeds its webhooks per minute, then 429 with Retry-After, keyed by its number', async () => {
    const topic = uniqueName('it.rate');
    await createTopic(topic);
    const ingress = await startTestIngress(topic, { RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const business = `+4930${Date.now().toString().slice(-8)}`;
      const bodyFor = (i: number, to = business) =>
        JSON.stringify({
          event: 'call_started',
          call: {
            call_id: uniqueName(`c${i}`).replace('.', '_'), // Retell ids have no dots
            call_type: 'phone_call',
            agent_id: 'a',
            call_status: 'ongoing',
            direction: 'inbound',
            to_number: to,
            from_number: '+49176',
          },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await postWebhook(ingress.url, bodyFor(i))).status);
      // a minute boundary can fall between the calls; then the window restarts and all four pass
      const limited = await postWebhook(ingress.url, bodyFor(9));
      expect([...statuses, limited.status].filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after') ?? '1')).toBeGreaterThanOrEqual(1);
      // another business is unaffected
      expect((await postWebhook(ingress.url, bodyFor(10, '+4940111222'))).status).toBe(204);
    } finally {
      await ingress.stop();
    }
  });

  it('when Redis is unreachable, then webhooks are still stored (dedup and rate limits fail open) and counted', async () => {
    const topic = uniqueName('it.noredis');
    await createTopic(topic);
    const ingress = await startTestIngress(topic, { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const { body } = withFreshCallId('01-call_started.salon-inbound.json');
      expect((await postWebhook(ingress.url, body)).status).toBe(204);
      expect(await messageCount(topic)).toBe(1);
      const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /ingress_dependency_errors_total\{dependency="redis",operation="dedup_claim",service="ingress"\} [1-9]/,
      );
      const ready = (await (await fetch(`${ingress.opsUrl}/readyz`)).json()) as { waitingFor: string[] };
      expect(ready.waitingFor).toContain('redis');
    } finally {
      await ingress.stop();
    }
  });
});

describe('ingress graceful shutdown', () => {
  it('when stopped while webhooks are arriving, then every webhook answered 2xx is on the topic and no answer is a 5xx', async () => {
    const topic = uniqueName('it.shutdown');
    await createTopic(topic);
    const ingress = await startTestIngress(topic);
    const bodies = Array.from({ length: 40 }, () => withFreshCallId('02-call_ended.salon-inbound.json').body);
    const answers = bodies.map((body) =>
      postWebhook(ingress.url, body).then(
        (response) => response.status,
        () => 'connection refused' as const,
      ),
    );
    // stop as soon as the first webhook has been answered, while the others are still arriving
    await Promise.race(answers);
    await ingress.stop();
    const statuses = await Promise.all(answers);
    const stored = statuses.filter((s) => s === 204).length;
    expect(stored).toBeGreaterThan(0);
    expect(statuses.filter((s) => typeof s === 'number' && s >= 500)).toEqual([]);
    expect(await messageCount(topic)).toBe(stored);
  });
});

describe('ingress readiness', () => {
  it('when the topic cannot store every body ingress accepts (its max.message.bytes below MAX_BODY_BYTES), then ingress says so at start, naming the fix', async () => {
    const topic = uniqueName('it.small-limit');
    await withAdmin((admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] }],
      }),
    );
    const lines: string[] = [];
    const log = createLogger({
      service: 'ingress',
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const ingress = await startIngress(testConfig(), { log, topic, ...(await createCommandTopics()) });
    await ingress.stop();
    const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ topic, maxMessageBytes: 1048588, msg: expect.stringMatching(/max\.message\.bytes/) }),
    ]);
  });

  it('when the broker refuses one webhook for good (over its topic’s size limit), then that webhook gets 503 but ingress stays ready and stores the next', async () => {
    const topic = uniqueName('it.small-topic');
    await withAdmin((admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '8192' }] }],
      }),
    );
    const ingress = await startTestIngress(topic, { BROKER_PROBE_EVERY_MS: '200' });
    try {
      const large = withFreshCallId('02-call_ended.salon-inbound.json');
      expect(large.body.length).toBeGreaterThan(8192);
      expect((await postWebhook(ingress.url, large.body)).status).toBe(503);
      // readiness asks the broker itself (now, and every 200 ms): over several probes it stays ready
      const seen: unknown[] = [];
      for (let i = 0; i < 15; i++) {
        seen.push(await (await fetch(`${ingress.opsUrl}/readyz`)).json());
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen.filter((s) => (s as { ready: boolean }).ready !== true)).toEqual([]);
      const small = withFreshCallId('01-call_started.salon-inbound.json');
      expect(small.body.length).toBeLessThan(6_000);
      expect((await postWebhook(ingress.url, small.body)).status).toBe(204);
    } finally {
      await ingress.stop();
    }
  });
});

describe('ingress listeners', () => {
  it('when health, readiness or metrics are asked on the webhook port, then 404: they are served on the internal ops listener only', async () => {
    const topic = uniqueName('it.listeners');
    await createTopic(topic);
    const ingress = await startTestIngress(topic);
    try {
      expect(ingress.opsUrl).not.toBe(ingress.url);
      for (const path of ['/livez', '/readyz', '/metrics']) {
        expect([path, (await fetch(`${ingress.url}${path}`)).status]).toEqual([path, 404]);
        expect([path, (await fetch(`${ingress.opsUrl}${path}`)).status]).toEqual([path, 200]);
      }
      // and the ops listener serves no webhooks
      const { body } = withFreshCallId('01-call_started.salon-inbound.json');
      expect((await postWebhook(ingress.opsUrl, body)).status).toBe(404);
    } finally {
      await ingress.stop();
    }
  });

  it('when a client sends its headers too slowly, then the connection is closed after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const topic = uniqueName('it.slow-headers');
    await createTopic(topic);
    const ingress = await startTestIngress(topic, { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '1000' });
    try {
      const socket = connect(Number(new URL(ingress.url).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write('POST /webhooks/retell HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and never the rest
      const answer: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => answer.push(chunk));
      await once(socket, 'close'); // jest's timeout fails the test if it never comes
      expect(Buffer.concat(answer).toString()).toMatch(/^HTTP\/1\.1 408|^$/);
    } finally {
      await ingress.stop();
    }
  });

  it('when more than MAX_CONNECTIONS clients connect, then the one beyond the cap is dropped and the others stay served', async () => {
    const topic = uniqueName('it.max-connections');
    await createTopic(topic);
    const ingress = await startTestIngress(topic, { MAX_CONNECTIONS: '2' });
    const port = Number(new URL(ingress.url).port);
    const sockets = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    try {
      await Promise.all(sockets.map((s) => once(s, 'connect')));
      const third = connect(port, '127.0.0.1');
      sockets.push(third);
      await once(third, 'close');
      const first = sockets[0]!;
      first.write('GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const [reply] = (await once(first, 'data')) as [Buffer];
      expect(reply.toString()).toMatch(/^HTTP\/1\.1 404/);
    } finally {
      for (const s of sockets) s.destroy();
      await ingress.stop();
    }
  });
});
