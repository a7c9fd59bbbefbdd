import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import {
  CallInboundRequestSchema,
  CallInboundResponseSchema,
  KnownRetellWebhookEventSchema,
  RetellWebhookEventValueSchema,
} from '../index';
import {
  BookAppointmentArgsSchema,
  BookAppointmentResponseSchema,
  CancelAppointmentArgsSchema,
  CheckAvailabilityArgsSchema,
  CheckAvailabilityResponseSchema,
  FunctionCallRequestSchema,
  FunctionErrorResponseSchema,
} from './function-call';

requireSharedDir();

/** Which contract each shared fixture is an instance of. */
const CONTRACT_OF: Record<string, z.ZodType> = {
  '01-call_started.salon-inbound.json': KnownRetellWebhookEventSchema,
  '02-call_ended.salon-inbound.json': KnownRetellWebhookEventSchema,
  '03-call_analyzed.salon-inbound.json': KnownRetellWebhookEventSchema,
  '04-call_ended.praxis-outbound-no-answer.json': KnownRetellWebhookEventSchema,
  '05-transcript_updated.praxis-inbound.json': KnownRetellWebhookEventSchema,
  '06-transfer_started.praxis-inbound.json': KnownRetellWebhookEventSchema,
  '07-call_analyzed.praxis-inbound-transfer.json': KnownRetellWebhookEventSchema,
  '08-call_inbound.request.json': CallInboundRequestSchema,
  '09-call_inbound.response.override.json': CallInboundResponseSchema,
  '10-call_inbound.response.reject.json': CallInboundResponseSchema,
  '11-function.check_availability.request.json': FunctionCallRequestSchema,
  '12-function.check_availability.response.json': CheckAvailabilityResponseSchema,
  '13-function.book_appointment.request.args-only.json': BookAppointmentArgsSchema,
  '14-function.book_appointment.response.json': BookAppointmentResponseSchema,
  '15-function.cancel_appointment.request.web-call.json': FunctionCallRequestSchema,
  '16-function.cancel_appointment.response.error.json': FunctionErrorResponseSchema,
};

const fixtureFiles = readdirSync(RETELL_FIXTURES_DIR).filter((f) => /^\d\d-.*\.json$/.test(f) && !f.startsWith('99-'));
const load = (file: string): unknown => JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8'));

describe('Retell fixtures against the contracts', () => {
  it('when a fixture file exists, then the test table names its contract', () => {
    expect(fixtureFiles.filter((f) => !(f in CONTRACT_OF))).toEqual([]);
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(16);
  });

  it.each(Object.keys(CONTRACT_OF))('when %s is parsed, then it is valid and round-trips unchanged', (file) => {
    const raw = load(file);
    const parsed = CONTRACT_OF[file]!.parse(raw);
    // unknown fields pass through and nothing is added or dropped
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(raw);
  });

  it('when the function-call args of fixtures 11 and 15 are parsed, then they fit our tool definitions', () => {
    const check = FunctionCallRequestSchema.parse(load('11-function.check_availability.request.json'));
    expect(CheckAvailabilityArgsSchema.safeParse(check.args).success).toBe(true);
    const cancel = FunctionCallRequestSchema.parse(load('15-function.cancel_appointment.request.web-call.json'));
    expect(CancelAppointmentArgsSchema.safeParse(cancel.args).success).toBe(true);
  });

  it('when a call event fixture goes through the topic value schema, then it is accepted', () => {
    for (const file of Object.keys(CONTRACT_OF).filter((f) => CONTRACT_OF[f] === KnownRetellWebhookEventSchema)) {
      expect(RetellWebhookEventValueSchema.safeParse(load(file)).success).toBe(true);
    }
  });
});

describe('Retell call-event contract rules', () => {
  const callEnded = load('02-call_ended.salon-inbound.json') as { event: string; call: Record<string, unknown> };

  it('when Retell adds a field, then it passes through', () => {
    const withExtra = { ...callEnded, event_timestamp: 1, call: { ...callEnded.call, brand_new_field: { a: 1 } } };
    const parsed = KnownRetellWebhookEventSchema.parse(withExtra);
    expect(parsed.call['brand_new_field']).toEqual({ a: 1 });
    expect((parsed as Record<string, unknown>)['event_timestamp']).toBe(1);
  });

  it('when a known field has the wrong type, then parsing fails and names the field', () => {
    const bad = { ...callEnded, call: { ...callEnded.call, duration_ms: '53710', start_timestamp: 'yesterday' } };
    const result = KnownRetellWebhookEventSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['call.duration_ms', 'call.start_timestamp']));
  });

  it('when call_id is missing, then parsing fails', () => {
    const { call_id: _drop, ...call } = callEnded.call;
    expect(KnownRetellWebhookEventSchema.safeParse({ ...callEnded, call }).success).toBe(false);
  });

  it('when dynamic variables carry a non-string value, then parsing fails', () => {
    const bad = { ...callEnded, call: { ...callEnded.call, retell_llm_dynamic_variables: { kunde_bekannt: true } } };
    expect(KnownRetellWebhookEventSchema.safeParse(bad).success).toBe(false);
  });

  it('when a new disconnection reason or status appears, then it is accepted as a string', () => {
    const novel = { ...callEnded, call: { ...callEnded.call, disconnection_reason: 'brand_new_reason' } };
    expect(KnownRetellWebhookEventSchema.safeParse(novel).success).toBe(true);
  });
});
