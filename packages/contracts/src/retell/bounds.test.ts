import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { KnownRetellWebhookEventSchema, RetellWebhookEnvelopeSchema, RetellWebhookEventValueSchema } from '../index';

requireSharedDir();

type Body = Record<string, unknown> & { call: Record<string, unknown> };
const fixture = (file: string): Body => JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8')) as Body;
const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
const withCall = (patch: Record<string, unknown>) => {
  const body = fixture('02-call_ended.salon-inbound.json');
  return { ...body, call: { ...body.call, ...patch } };
};

describe('the bounds of what enters the system', () => {
  it('when a call id is 68,000 characters long, then the event is refused at call.call_id', () => {
    const result = KnownRetellWebhookEventSchema.safeParse(withCall({ call_id: `call_${'a'.repeat(68_000)}` }));
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain('call.call_id');
  });

  it.each([
    ['a colon (ids become keys like <call id>:<event>)', 'call_abc:call_ended'],
    ['a space', 'call abc'],
    ['a newline', 'call_abc\n'],
    ['65 characters', 'c'.repeat(65)],
  ])('when a call id has %s, then it is refused', (_what, callId) => {
    expect(issuePaths(KnownRetellWebhookEventSchema.safeParse(withCall({ call_id: callId })))).toContain(
      'call.call_id',
    );
  });

  it('when an event type the contracts do not know has an oversized call id, then its envelope is refused too', () => {
    const result = RetellWebhookEnvelopeSchema.safeParse({ event: 'chat_started', call: { call_id: 'x'.repeat(100) } });
    expect(issuePaths(result)).toContain('call.call_id');
  });

  it.each([
    ['from_number', '0341 2240870'],
    ['to_number', '+49 341 2240870'],
    ['from_number', '+0123456'],
    ['to_number', `+49${'1'.repeat(20)}`],
  ])('when %s is %j (not E.164), then it is refused at its path', (field, number) => {
    expect(issuePaths(KnownRetellWebhookEventSchema.safeParse(withCall({ [field]: number })))).toContain(
      `call.${field}`,
    );
  });

  it('when a web call has no numbers at all, then it is valid', () => {
    const body = withCall({ call_type: 'web_call' });
    delete body.call.from_number;
    delete body.call.to_number;
    expect(KnownRetellWebhookEventSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    ['agent_id', 'agent_' + 'f'.repeat(100)],
    ['agent_name', 'n'.repeat(300)],
    ['disconnection_reason', 'r'.repeat(300)],
    ['recording_url', `https://example.invalid/${'p'.repeat(5_000)}`],
  ])('when %s is beyond its bound, then it is refused', (field, value) => {
    expect(issuePaths(KnownRetellWebhookEventSchema.safeParse(withCall({ [field]: value })))).toContain(
      `call.${field}`,
    );
  });

  it('when a transfer names a destination that is neither E.164 nor a sip: URI, then it is refused', () => {
    const body = fixture('06-transfer_started.praxis-inbound.json');
    expect(KnownRetellWebhookEventSchema.safeParse(body).success).toBe(true);
    const bad = { ...body, transfer_destination: { number: 'x'.repeat(500) } };
    expect(issuePaths(KnownRetellWebhookEventSchema.safeParse(bad))).toContain('transfer_destination');
    const sip = { ...body, transfer_destination: 'sip:frontdesk@praxis.example' };
    expect(KnownRetellWebhookEventSchema.safeParse(sip).success).toBe(true);
  });

  it('when an event stored before the bounds is read with the topic schema, then it still parses (the registered schema is unchanged)', () => {
    expect(RetellWebhookEventValueSchema.safeParse(withCall({ call_id: 'x'.repeat(68_000) })).success).toBe(true);
  });
});
