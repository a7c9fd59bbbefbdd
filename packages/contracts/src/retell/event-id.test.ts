import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETELL_FIXTURES_DIR } from '../../../../test/paths';
import { retellEventId } from './event-id';

const raw = (body: unknown) => Buffer.from(JSON.stringify(body));
const call = (extra: Record<string, unknown> = {}) => ({ call_id: 'call_1', ...extra });
const id = (body: { event: string; call: { call_id: string } & Record<string, unknown> }) =>
  retellEventId(body, raw(body));

const utterance = (role: string, content: string, start = 0) => ({
  role,
  content,
  words: content.split(' ').map((word, i) => ({ word, start: start + i, end: start + i + 0.5 })),
});
const updated = (items: unknown[]) => ({
  event: 'transcript_updated',
  call: call({ transcript_with_tool_calls: items }),
});

describe('deterministic ids of Retell webhooks', () => {
  it('when a lifecycle event is redelivered, then both deliveries get <call_id>:<event>', () => {
    const body = { event: 'call_ended', call: call({ duration_ms: 1 }) };
    expect(retellEventId(body, raw(body))).toBe('call_1:call_ended');
    expect(retellEventId(body, raw({ ...body, reformatted: true }))).toBe('call_1:call_ended');
  });

  it('when transcript_updated fires again with more items, then the ids differ and start with the item count', () => {
    const first = updated([utterance('agent', 'Guten Tag')]);
    const second = updated([utterance('agent', 'Guten Tag'), utterance('user', 'Hallo')]);
    expect(id(first)).toMatch(/^call_1:transcript_updated:1:[0-9a-f]{16}$/);
    expect(id(second)).toMatch(/^call_1:transcript_updated:2:[0-9a-f]{16}$/);
  });

  it('when transcript_updated changes the last utterance without adding one, then the id changes', () => {
    const before = updated([utterance('agent', 'Guten Tag'), utterance('user', 'Ich möchte')]);
    const after = updated([utterance('agent', 'Guten Tag'), utterance('user', 'Ich möchte einen Termin am Dienstag')]);
    expect(id(after)).not.toBe(id(before));
    // so does a tool call's result that arrives in place
    const invoked = { role: 'tool_call_invocation', tool_call_id: 't1', name: 'check_availability', arguments: '{}' };
    const pending = updated([invoked, { role: 'tool_call_result', tool_call_id: 't1', content: '' }]);
    const done = updated([invoked, { role: 'tool_call_result', tool_call_id: 't1', content: '{"ok":true}' }]);
    expect(id(done)).not.toBe(id(pending));
  });

  it('when the same transcript is redelivered re-serialised or with other word timings, then the id is the same', () => {
    const items = [utterance('agent', 'Guten Tag'), utterance('user', 'Hallo', 3)];
    const body = updated(items);
    const reordered = {
      call: {
        transcript_with_tool_calls: items.map((i) => ({ words: i.words, content: i.content, role: i.role })),
        call_id: 'call_1',
      },
      event: 'transcript_updated',
    };
    const retimed = updated([utterance('agent', 'Guten Tag', 0.2), utterance('user', 'Hallo', 3.4)]);
    expect(retellEventId(body, raw(body))).toBe(id(body));
    expect(id(reordered)).toBe(id(body));
    expect(id(retimed)).toBe(id(body));
    // volatile call fields around the transcript do not count either
    const withLatency = { ...body, call: { ...body.call, latency: { e2e: { p50: 812 } } } };
    expect(id(withLatency)).toBe(id(body));
  });

  it('when transcript_updated carries only transcript_object or a plain transcript, then its content decides too', () => {
    const a = { event: 'transcript_updated', call: call({ transcript_object: [utterance('user', 'eins')] }) };
    const b = { event: 'transcript_updated', call: call({ transcript_object: [utterance('user', 'zwei')] }) };
    expect(id(a)).not.toBe(id(b));
    const c = { event: 'transcript_updated', call: call({ transcript: 'Agent: Hallo' }) };
    const d = { event: 'transcript_updated', call: call({ transcript: 'Agent: Hallo\nUser: Tag' }) };
    expect(id(c)).not.toBe(id(d));
  });

  it('when a transfer event is identified, then the transfer number is nowhere in its id, in any form', () => {
    const fixture = readFileSync(join(RETELL_FIXTURES_DIR, '06-transfer_started.praxis-inbound.json'));
    const body = JSON.parse(fixture.toString('utf8')) as { event: string; call: { call_id: string } };
    const transferId = retellEventId(body, fixture);
    // pinned: a change of the digest makes every redelivery in flight during a deploy a new event
    expect(transferId).toBe('call_cd4ee1790ab8cf314f667e967fa:transfer_started:17:94ac3b9454766c74');
    expect(transferId).not.toContain('+49');
    expect(transferId).not.toContain('3412240871');
    // the same event to another number is the same event: nothing derived from the number
    const elsewhere = { ...body, transfer_destination: { number: '+4930901820' } };
    expect(id(elsewhere)).toBe(transferId);
  });

  it('when a call transfers again later, then the transfer ids differ; when one is redelivered, then it keeps its id', () => {
    const first = {
      event: 'transfer_started',
      call: call({ transcript_with_tool_calls: [utterance('agent', 'Ich verbinde Sie')] }),
      transfer_destination: { number: '+491' },
    };
    const second = {
      event: 'transfer_started',
      call: call({
        transcript_with_tool_calls: [
          utterance('agent', 'Ich verbinde Sie'),
          utterance('agent', 'Dort ist besetzt, ich versuche die Zentrale'),
        ],
      }),
      transfer_destination: { number: '+492' },
    };
    expect(id(first)).not.toBe(id(second));
    expect(id({ ...first })).toBe(id(first));
    // each step of one transfer is its own event
    expect(id({ ...first, event: 'transfer_bridged' })).not.toBe(id(first));
    // a second leg that ended is told apart by its end time
    const ended = (at: number) => ({
      event: 'transfer_ended',
      call: call({ transcript_with_tool_calls: [], transfer_end_timestamp: at }),
    });
    expect(id(ended(1))).not.toBe(id(ended(2)));
  });

  it('when an unknown event type arrives, then only byte-identical bodies share an id', () => {
    const body = { event: 'call_whatever', call: call() };
    const unknownId = retellEventId(body, raw(body));
    expect(unknownId).toMatch(/^call_1:call_whatever:[0-9a-f]{16}$/);
    expect(retellEventId(body, raw(body))).toBe(unknownId);
    expect(retellEventId(body, raw({ ...body, x: 1 }))).not.toBe(unknownId);
  });
});
