import { createLogger } from '@rb/observability';
import { startIngress } from '../services/ingress/src/service';
import { fixtureBytes, postWebhook, testConfig } from '../services/ingress/test/support';
import { requireSharedDir } from './paths';
import { startTestCallProcessor } from './support/call-processor';
import { createTopic, readAll, uniqueName } from './support/kafka';

/**
 * Everything ingress accepts is storable and processed: a long call's call_ended (word timings in
 * `transcript_object`) of ~1.9 MB, under the default MAX_BODY_BYTES of 2 MiB, goes through ingress
 * onto the Retell events topic and through call-processor to `call.ended.v1`. A 1.1 MB one used to
 * get 503 on every delivery (the broker's 1 MB default), so Retell's retries lost it.
 */
requireSharedDir();
const silent = createLogger({ service: 'test', level: 'silent' });
jest.setTimeout(90_000);

type Utterance = { role: string; content: string; words: { word: string; start: number; end: number }[] };

/** the salon call, its conversation repeated (times moving on) until the body is about `bytes` long */
function longCallEnded(callId: string, bytes: number): Buffer {
  const body = JSON.parse(fixtureBytes('02-call_ended.salon-inbound.json').toString('utf8')) as {
    call: Record<string, unknown> & { transcript_object: Utterance[] };
  };
  const turns = body.call.transcript_object;
  const utterances: Utterance[] = [];
  let offset = 0;
  let size = JSON.stringify(body).length;
  while (size < bytes) {
    for (const turn of turns) {
      const words = turn.words.map((w) => ({ ...w, start: w.start + offset, end: w.end + offset }));
      const utterance = { ...turn, words };
      utterances.push(utterance);
      size += JSON.stringify(utterance).length + 1;
    }
    offset += (turns.at(-1)?.words.at(-1)?.end ?? 60) + 1;
  }
  const transcript = utterances.map((u) => `${u.role === 'agent' ? 'Agent' : 'User'}: ${u.content}`).join('\n');
  const call = { ...body.call, call_id: callId, transcript_object: utterances, transcript, duration_ms: offset * 1000 };
  return Buffer.from(JSON.stringify({ ...body, call }));
}

describe('a long call', () => {
  it('when a signed call_ended of ~1.9 MB arrives, then it is stored unchanged and call-processor records the call as ended', async () => {
    const retellTopic = uniqueName('it.long.retell-events');
    const lifecycleTopic = uniqueName('it.long.lifecycle');
    const intentsTopic = uniqueName('it.long.intents');
    await Promise.all([retellTopic, lifecycleTopic, intentsTopic].map((t) => createTopic(t)));
    const callId = uniqueName('call').replace('.', '_');
    const body = longCallEnded(callId, 1_900_000);
    expect(body.length).toBeGreaterThan(1_850_000);
    expect(body.length).toBeLessThan(testConfig().MAX_BODY_BYTES);

    const ingress = await startIngress(testConfig(), { log: silent, topic: retellTopic });
    const callProcessor = await startTestCallProcessor({
      retellTopic,
      lifecycleTopic,
      intentsTopic,
      log: silent,
    });
    try {
      const answer = await postWebhook(ingress.url, body);
      expect(answer.status).toBe(204);
      const [stored] = await readAll(retellTopic);
      expect(stored?.key?.toString()).toBe(callId);
      // the registry's 5-byte header, then the body's bytes as they came
      expect(stored?.value?.subarray(5).equals(body)).toBe(true);

      const deadline = Date.now() + 30_000;
      let types: string[] = [];
      while (!types.includes('call.ended.v1') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        types = (await readAll(lifecycleTopic).catch(() => [])).map((m) => String(m.headers?.ce_type));
      }
      expect(types).toContain('call.ended.v1');
      expect(callProcessor.reports.map((r) => r.outcome)).toEqual(['processed']);
      const [call] = await callProcessor.query('SELECT call_id FROM calls WHERE call_id = $1', [callId]);
      expect(call).toEqual({ call_id: callId });
    } finally {
      await callProcessor.stop();
      await ingress.stop();
    }
  });
});
