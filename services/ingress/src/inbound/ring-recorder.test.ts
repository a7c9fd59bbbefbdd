import type { CallInboundRequest } from '@rb/contracts';
import type { OutgoingMessage } from '../webhooks/ports';
import type { RecordOutcome } from './ring-recorder';
import { makeRingRecorder } from './ring-recorder';

const request = (callId?: string): CallInboundRequest => ({
  event: 'call_inbound',
  call_inbound: {
    from_number: '+4917612345678',
    to_number: '+4922198765430',
    ...(callId ? { call_id: callId } : {}),
  },
});
const body = (r: CallInboundRequest) => Buffer.from(JSON.stringify(r));

function recorder(publish: (m: OutgoingMessage) => Promise<void>, schemaId: () => number | undefined = () => 7) {
  const outcomes: RecordOutcome[] = [];
  const rings = makeRingRecorder({
    publisher: { publish },
    topicSchemaId: schemaId,
    source: '/test',
    clock: () => Date.parse('2026-12-08T09:00:00Z'),
    attempts: 3,
    firstPauseMs: 5,
    onRecorded: (outcome) => outcomes.push(outcome),
  });
  /** until the ring has an outcome (without draining, which would end its retries) */
  const settled = async () => {
    while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { rings, outcomes, settled };
}

describe('recording the ring behind the answer', () => {
  it('when the broker never answers, then record returns at once and the ring is still pending', async () => {
    let published = 0;
    const { rings, outcomes } = recorder(() => {
      published++;
      return new Promise<void>(() => undefined);
    });
    const r = request('call_1');
    expect(rings.record(body(r), r)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect([published, outcomes]).toEqual([1, []]);
  });

  it('when a ring is recorded, then it is keyed and identified by its call id, the body framed unchanged', async () => {
    const sent: OutgoingMessage[] = [];
    const { rings, outcomes } = recorder(async (m) => void sent.push(m));
    const r = request('call_1');
    rings.record(body(r), r);
    await rings.drain();
    expect(outcomes).toEqual(['stored']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.key).toBe('call_1');
    expect(sent[0]!.headers).toMatchObject({ ce_id: 'call_1:call_inbound', ce_type: 'ai.retell.webhook.call_inbound' });
    expect(sent[0]!.value.readInt32BE(1)).toBe(7);
    expect(sent[0]!.value.subarray(5).toString('utf8')).toBe(body(r).toString('utf8'));
  });

  it('when the ring has no call id, then no phone number goes into its key or headers', async () => {
    const sent: OutgoingMessage[] = [];
    const { rings } = recorder(async (m) => void sent.push(m));
    const r = request();
    rings.record(body(r), r);
    await rings.drain();
    expect(sent[0]!.key).toMatch(/^call_inbound:[0-9a-f]{16}$/);
    const headers = JSON.stringify(sent[0]!.headers);
    expect(headers).not.toContain('4922198765430');
    expect(headers).not.toContain('4917612345678');
  });

  it('when the broker refuses twice, then the third attempt stores it; when it always refuses, then failed after three', async () => {
    let calls = 0;
    const flaky = recorder(async () => {
      if (++calls < 3) throw new Error('broker down');
    });
    flaky.rings.record(body(request('call_2')), request('call_2'));
    await flaky.settled();
    expect([calls, flaky.outcomes]).toEqual([3, ['stored']]);

    let tries = 0;
    const down = recorder(async () => {
      tries++;
      throw new Error('broker down');
    });
    down.rings.record(body(request('call_3')), request('call_3'));
    await down.settled();
    expect([tries, down.outcomes]).toEqual([3, ['failed']]);
  });

  it('when the topic schema is not registered yet, then nothing is produced and the ring counts as not_ready', async () => {
    let published = 0;
    const { rings, outcomes, settled } = recorder(
      async () => void published++,
      () => undefined,
    );
    rings.record(body(request('call_4')), request('call_4'));
    await settled();
    expect([published, outcomes]).toEqual([0, ['not_ready']]);
  });

  it('when ingress stops, then drain waits for the ring in flight and tries no more after it', async () => {
    let release: () => void = () => undefined;
    let tries = 0;
    const { rings, outcomes } = recorder(() => {
      tries++;
      return new Promise<void>((_, reject) => (release = () => reject(new Error('closing'))));
    });
    rings.record(body(request('call_5')), request('call_5'));
    const drained = rings.drain();
    release();
    await drained;
    expect([tries, outcomes]).toEqual([1, ['failed']]);
  });
});
