import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { businessKey, inspectWebhook, parseWebhook } from './parse-webhook';

requireSharedDir();
const fixture = (f: string) => readFileSync(join(RETELL_FIXTURES_DIR, f));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parsing a webhook body', () => {
  it('when call_ended arrives, then it is a known event', () => {
    const parsed = parseWebhook(fixture('02-call_ended.salon-inbound.json'));
    expect(parsed.kind).toBe('known');
  });

  it('when the body is not JSON, then it is malformed_json', () => {
    expect(parseWebhook(Buffer.from('{"event": "call_ended",')).kind).toBe('malformed_json');
  });

  it('when a known event has wrong types, then the failing fields are named', () => {
    const body = JSON.parse(fixture('01-call_started.salon-inbound.json').toString()) as { call: object };
    const parsed = parseWebhook(json({ ...body, call: { ...body.call, start_timestamp: 'soon', agent_version: -1 } }));
    expect(parsed).toMatchObject({ kind: 'schema_violation' });
    const paths = parsed.kind === 'schema_violation' ? parsed.issues.map((i) => i.path) : [];
    expect(paths.sort()).toEqual(['call.agent_version', 'call.start_timestamp']);
  });

  it('when a known event lacks call.call_id, then that path is named among the missing fields', () => {
    const parsed = parseWebhook(json({ event: 'call_started', call: {} }));
    expect(parsed).toMatchObject({ kind: 'schema_violation' });
    const paths = parsed.kind === 'schema_violation' ? parsed.issues.map((i) => i.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['call.call_id', 'call.agent_id']));
  });

  it('when a signed-looking call_ended carries a 68,000-character call id, then it is a schema violation at call.call_id (it once stalled every tenant)', () => {
    const body = JSON.parse(fixture('02-call_ended.salon-inbound.json').toString()) as { call: object };
    const parsed = parseWebhook(json({ ...body, call: { ...body.call, call_id: `call_${'7'.repeat(68_000)}` } }));
    expect(parsed).toMatchObject({ kind: 'schema_violation' });
    expect(parsed.kind === 'schema_violation' && parsed.issues.map((i) => i.path)).toEqual(['call.call_id']);
  });

  it('when an unknown event type carries an oversized call id, then it is refused at call.call_id too', () => {
    const parsed = parseWebhook(json({ event: 'call_rated', call: { call_id: 'x'.repeat(65) } }));
    expect(parsed).toEqual({ kind: 'schema_violation', issues: [expect.objectContaining({ path: 'call.call_id' })] });
  });

  it('when an unknown event lacks call.call_id, then only that path is named', () => {
    const parsed = parseWebhook(json({ event: 'call_rated', call: {} }));
    expect(parsed).toEqual({ kind: 'schema_violation', issues: [expect.objectContaining({ path: 'call.call_id' })] });
  });

  it('when the body is a JSON array or has no event, then it violates the schema', () => {
    expect(parseWebhook(json([1, 2])).kind).toBe('schema_violation');
    expect(parseWebhook(json({ call: { call_id: 'x' } })).kind).toBe('schema_violation');
  });

  it('when an event type the contracts do not know arrives with the envelope, then it is unknown, not rejected', () => {
    const parsed = parseWebhook(json({ event: 'call_summarised_v2', call: { call_id: 'c1', whatever: 1 } }));
    expect(parsed).toMatchObject({ kind: 'unknown', body: { event: 'call_summarised_v2' } });
  });
});

describe('the business key used for rate limiting', () => {
  it('when the call is inbound, then the dialled number is the business', () => {
    expect(
      businessKey({
        event: 'e',
        call: { call_id: 'c', direction: 'inbound', to_number: '+49221', from_number: '+49176' },
      }),
    ).toBe('number:+49221');
  });
  it('when the call is outbound, then the calling number is the business', () => {
    expect(
      businessKey({
        event: 'e',
        call: { call_id: 'c', direction: 'outbound', to_number: '+49152', from_number: '+49341' },
      }),
    ).toBe('number:+49341');
  });
  it('when it is a web call, then the agent stands in', () => {
    expect(businessKey({ event: 'e', call: { call_id: 'c', agent_id: 'agent_1' } })).toBe('agent:agent_1');
  });
});

describe('inspecting a webhook down to the facts storing it needs', () => {
  it('when an outbound call_ended arrives, then its id, call, business number and known type are the facts', () => {
    const inspected = inspectWebhook(fixture('04-call_ended.praxis-outbound-no-answer.json'));
    expect(inspected).toEqual({
      kind: 'valid',
      facts: {
        event: 'call_ended',
        known: true,
        callId: 'call_caf6e2080636e9a07473299d607',
        eventId: 'call_caf6e2080636e9a07473299d607:call_ended',
        businessKey: 'number:+493412240870',
      },
    });
  });

  it('when the event type is unknown, then it is valid but not known', () => {
    const inspected = inspectWebhook(json({ event: 'call_rated', call: { call_id: 'c9' } }));
    expect(inspected).toMatchObject({ kind: 'valid', facts: { event: 'call_rated', known: false, callId: 'c9' } });
  });

  it('when the body is invalid, then the parse result is passed on unchanged', () => {
    expect(inspectWebhook(Buffer.from('nope')).kind).toBe('malformed_json');
  });
});
