import { retellEventId } from './event-id';

const raw = (body: unknown) => Buffer.from(JSON.stringify(body));
const call = (extra: Record<string, unknown> = {}) => ({ call_id: 'call_1', ...extra });

describe('deterministic ids of Retell webhooks', () => {
  it('when a lifecycle event is redelivered, then both deliveries get <call_id>:<event>', () => {
    const body = { event: 'call_ended', call: call({ duration_ms: 1 }) };
    expect(retellEventId(body, raw(body))).toBe('call_1:call_ended');
    expect(retellEventId(body, raw({ ...body, reformatted: true }))).toBe('call_1:call_ended');
  });

  it('when transcript_updated fires again with more items, then the ids differ', () => {
    const first = { event: 'transcript_updated', call: call({ transcript_with_tool_calls: [{ role: 'agent' }] }) };
    const second = {
      event: 'transcript_updated',
      call: call({ transcript_with_tool_calls: [{ role: 'agent' }, { role: 'user' }] }),
    };
    expect(retellEventId(first, raw(first))).toBe('call_1:transcript_updated:1');
    expect(retellEventId(second, raw(second))).toBe('call_1:transcript_updated:2');
  });

  it('when a call transfers twice to different numbers, then the transfer ids differ', () => {
    const a = { event: 'transfer_started', call: call(), transfer_destination: { number: '+491' } };
    const b = { event: 'transfer_started', call: call(), transfer_destination: { number: '+492' } };
    expect(retellEventId(a, raw(a))).not.toBe(retellEventId(b, raw(b)));
    expect(retellEventId(a, raw(a))).toBe('call_1:transfer_started:+491:0');
  });

  it('when an unknown event type arrives, then only byte-identical bodies share an id', () => {
    const body = { event: 'call_whatever', call: call() };
    const id = retellEventId(body, raw(body));
    expect(id).toMatch(/^call_1:call_whatever:[0-9a-f]{16}$/);
    expect(retellEventId(body, raw(body))).toBe(id);
    expect(retellEventId(body, raw({ ...body, x: 1 }))).not.toBe(id);
  });
});
