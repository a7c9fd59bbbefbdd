import pino from 'pino';
import { Registry } from 'prom-client';
import { makeIngressMetrics } from '../ingress-metrics';
import type { ClaimResult, EventDeduplicator, EventPublisher } from './ports';
import { makeReceiveWebhook } from './receive-webhook';
import { signRetellBody } from './verify-signature';

const KEY = 'key-unit-000000';
const NOW = 1_791_877_400_000;
const body = Buffer.from(
  JSON.stringify({
    event: 'call_started',
    call: { call_id: 'c1', call_type: 'phone_call', agent_id: 'a', call_status: 'ongoing' },
  }),
);

function setUp(publish: EventPublisher['publish'], claim: ClaimResult = { kind: 'claimed', token: 't1' }) {
  const calls: string[] = [];
  const dedup: EventDeduplicator = {
    claim: async (id) => (calls.push(`claim ${id}`), claim),
    confirm: async (id) => void calls.push(`confirm ${id}`),
    release: async (id) => void calls.push(`release ${id}`),
  };
  const receive = makeReceiveWebhook({
    apiKey: KEY,
    signatureToleranceMs: 300_000,
    answerWithinMs: 50,
    topicSchemaId: () => 7,
    source: '/test',
    publisher: { publish },
    dedup,
    rateLimiter: { take: async () => ({ kind: 'allowed' }) },
    metrics: makeIngressMetrics(new Registry()),
    clock: () => NOW,
    log: pino({ level: 'silent' }),
  });
  const send = () => receive({ rawBody: body, signature: signRetellBody(body, KEY, NOW) });
  return { send, calls };
}

describe('receiving a webhook (use case with fake ports)', () => {
  it('when the broker acknowledges, then stored and the claim is confirmed', async () => {
    const { send, calls } = setUp(async () => undefined);
    expect(await send()).toEqual({ kind: 'stored', eventId: 'c1:call_started' });
    expect(calls).toEqual(['claim c1:call_started', 'confirm c1:call_started']);
  });

  it('when the produce fails, then 503 reason and the claim is released so a retry can store it', async () => {
    const { send, calls } = setUp(async () => Promise.reject(new Error('broker down')));
    expect(await send()).toMatchObject({ kind: 'rejected', reason: 'kafka_unavailable' });
    expect(calls).toEqual(['claim c1:call_started', 'release c1:call_started']);
  });

  it('when the acknowledgement comes after the answer deadline, then 503 now and the claim is confirmed later', async () => {
    let acknowledge: () => void = () => {};
    const { send, calls } = setUp(() => new Promise<void>((resolve) => (acknowledge = resolve)));
    expect(await send()).toMatchObject({ kind: 'rejected', reason: 'kafka_unavailable' });
    expect(calls).toEqual(['claim c1:call_started']);
    acknowledge();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['claim c1:call_started', 'confirm c1:call_started']);
  });

  it('when the event was stored before, then duplicate and nothing is produced', async () => {
    const publish = jest.fn(async () => undefined);
    const { send } = setUp(publish, { kind: 'duplicate' });
    expect(await send()).toEqual({ kind: 'duplicate', eventId: 'c1:call_started' });
    expect(publish).not.toHaveBeenCalled();
  });

  it('when the message is produced, then it is keyed by call id and framed with the schema id around the raw bytes', async () => {
    const publish = jest.fn(async () => undefined);
    const { send } = setUp(publish);
    await send();
    const [message] = publish.mock.calls[0] as unknown as [
      { key: string; value: Buffer; headers: Record<string, string> },
    ];
    expect(message.key).toBe('c1');
    expect(message.value.readUInt8(0)).toBe(0);
    expect(message.value.readUInt32BE(1)).toBe(7);
    expect(message.value.subarray(5).equals(body)).toBe(true);
    expect(message.headers.ce_id).toBe('c1:call_started');
  });

  it('when the message is produced, then its headers are the CloudEvents set with correlation and a trace, and no causation (the chain starts here)', async () => {
    const publish = jest.fn(async () => undefined);
    const { send } = setUp(publish);
    await send();
    const [message] = publish.mock.calls[0] as unknown as [{ headers: Record<string, string> }];
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'c1:call_started',
      ce_type: 'ai.retell.webhook.call_started',
      ce_source: '/test',
      ce_time: new Date(NOW).toISOString(),
      ce_subject: 'c1',
      'content-type': 'application/json',
      correlationid: 'c1',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });
  });
});
