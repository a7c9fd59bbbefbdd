import type { CallbackNeededV1 } from '@rb/contracts';
import { CallbackNeededV1Schema, frameJson, fromKafkaHeaders, newTraceparent, toKafkaHeaders } from '@rb/contracts';
import type { Span } from '@opentelemetry/api';
import type { InMemoryTracing } from '@rb/observability';
import { startInMemoryTracing, withSpan } from '@rb/observability';
import { PoisonMessageError } from './errors';
import { withInHand } from './message-context';
import {
  buildOutboxEvent,
  contractViolation,
  decodeContractMessage,
  decodeEnvelope,
  decodeFramedValue,
  eventHeaders,
  parseContract,
} from './message-edge';

const PHONE = '+4917612345678';
const EMAIL = 'sabine@example.com';
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const envelope = {
  id: 'call_1:booking.callback-needed.v1',
  type: 'booking.callback-needed.v1',
  source: 'call-processor',
  time: '2026-03-01T10:00:00.000Z',
  subject: 'call_1',
  contentType: 'application/json',
  correlationId: 'call_1',
};

const callback: CallbackNeededV1 = {
  type: 'booking.callback-needed.v1',
  callId: 'call_1',
  attribution: {
    companyId: '6f1c2f47-4a0c-4f3b-9d1e-0c8f5a3b2e10',
    branchId: '0d6e0c55-3f8f-4b0e-a1d2-7b9c4e5f6a70',
    phoneNumberId: '9b2a1c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
  },
  reason: 'no_time',
  customer: { id: null, name: 'Sabine', phone: PHONE },
  summary: null,
};

const framed = (value: unknown) => frameJson(7, Buffer.from(JSON.stringify(value)));

/** What a decoder threw: the poison error, checked to be one, so its code and text can be asserted. */
function poisonOf(decode: () => unknown): PoisonMessageError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect((error as PoisonMessageError).disposition).toBe('poison');
    return error as PoisonMessageError;
  }
  throw new Error('expected the decoder to throw');
}

describe('decoding a contract message', () => {
  it('when headers, frame and value are right, then the envelope and the parsed value come back', () => {
    const decoded = decodeContractMessage(
      { headers: toKafkaHeaders(envelope), value: framed(callback) },
      CallbackNeededV1Schema,
      'callback-needed',
    );
    expect(decoded).toEqual({ envelope, value: callback });
  });

  it('when ce_specversion is missing, then ENVELOPE_INVALID, and the value is not even read', () => {
    const { ce_specversion: _, ...headers } = toKafkaHeaders(envelope);
    const error = poisonOf(() => decodeContractMessage({ headers, value: null }, CallbackNeededV1Schema, 'x'));
    expect(error.code).toBe('ENVELOPE_INVALID');
    expect(error.message).toBe('unsupported or missing ce_specversion');
  });

  it('when a CloudEvents header holds personal data in the wrong shape, then ENVELOPE_INVALID names no value', () => {
    const headers = { ...toKafkaHeaders(envelope), ce_time: EMAIL, ce_specversion: '1.0', traceparent: PHONE };
    const error = poisonOf(() => decodeEnvelope({ headers }));
    expect(error.code).toBe('ENVELOPE_INVALID');
    expect(error.message).toBe('invalid CloudEvents headers');
    expect(error.cause).toBeDefined();
  });

  it('when an unsupported ce_specversion carries a phone number, then the message does not', () => {
    const error = poisonOf(() => decodeEnvelope({ headers: { ...toKafkaHeaders(envelope), ce_specversion: PHONE } }));
    expect(error.code).toBe('ENVELOPE_INVALID');
    expect(error.message).not.toContain(PHONE);
  });

  it('when there is no value (a tombstone), then VALUE_UNREADABLE', () => {
    const error = poisonOf(() => decodeFramedValue({ value: null }));
    expect(error).toMatchObject({ code: 'VALUE_UNREADABLE', message: 'value is not registry-framed JSON: no value' });
  });

  it('when the value lacks the registry frame, then VALUE_UNREADABLE naming the wire format, not the bytes', () => {
    const error = poisonOf(() => decodeFramedValue({ value: Buffer.from(JSON.stringify({ phone: PHONE })) }));
    expect(error.code).toBe('VALUE_UNREADABLE');
    expect(error.message).toContain('wire format');
    expect(error.message).not.toContain('+49');
  });

  it('when the framed bytes are not JSON, then VALUE_UNREADABLE, without the snippet the JSON parser quotes', () => {
    for (const text of [`${PHONE} ${EMAIL}`, `{"phone":"${PHONE}" x`, `{"email":"${EMAIL}"}}`]) {
      const error = poisonOf(() => decodeFramedValue({ value: frameJson(7, Buffer.from(text)) }));
      expect(error.code).toBe('VALUE_UNREADABLE');
      expect(error.message).toMatch(/^value is not registry-framed JSON: not valid JSON( \(at position \d+\))?$/);
      expect(error.message).not.toContain('+49');
      expect(error.message).not.toContain('sabine');
      // the parser's own error, snippet and all, stays on the cause for a debugger, not in the text
      expect(error.cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('when the value breaks the contract, then CONTRACT_VIOLATION names the paths and the first reason, never the values', () => {
    const broken = { ...callback, customer: { id: EMAIL, name: 'Sabine', phone: 4917612345678 }, reason: PHONE };
    const error = poisonOf(() =>
      decodeContractMessage(
        { headers: toKafkaHeaders(envelope), value: framed(broken) },
        CallbackNeededV1Schema,
        'callback-needed',
      ),
    );
    expect(error.code).toBe('CONTRACT_VIOLATION');
    expect(error.message).toMatch(/^callback-needed violates the contract at /);
    for (const path of ['reason', 'customer.id', 'customer.phone']) expect(error.message).toContain(path);
    expect(error.message).not.toContain('sabine');
    expect(error.message).not.toContain('4917612345678');
  });

  it('when parseContract is given a value that fits, then it returns the parsed value', () => {
    expect(parseContract(CallbackNeededV1Schema, callback, 'callback-needed')).toEqual(callback);
  });

  it('when the whole value is wrong, then the path reads (root)', () => {
    const error = poisonOf(() => parseContract(CallbackNeededV1Schema, PHONE, 'callback-needed'));
    expect(error.message).toMatch(/^callback-needed violates the contract at \(root\): /);
    expect(error.message).not.toContain(PHONE);
  });

  it('when there are more than five issues, then five paths are named, the first reason, and no issue list means "invalid"', () => {
    const issues = ['a', 'b', 'c', 'd', 'e', 'f'].map((key, i) => ({ path: [key, i], message: `reason ${key}` }));
    expect(contractViolation('thing', issues).message).toBe(
      'thing violates the contract at a.0, b.1, c.2, d.3, e.4: reason a',
    );
    expect(contractViolation('thing', [])).toMatchObject({
      code: 'CONTRACT_VIOLATION',
      message: 'thing violates the contract at : invalid',
    });
  });
});

describe('the headers of an outgoing event', () => {
  const meta = {
    id: 'call_1:call.ended.v1',
    type: 'call.ended.v1',
    source: 'call-processor',
    time: '2026-03-01T10:00:00.000+01:00',
    subject: 'call_1',
    correlationId: 'call_1',
  };

  it('when the event follows from a message and no span of ours is there (tracing off), then causationid is its id and its traceparent travels on', () => {
    const headers = eventHeaders({ ...meta, cause: { id: 'evt_9', traceparent: TRACE }, traceparent: 'ignored' });
    expect(headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'call_1:call.ended.v1',
      ce_type: 'call.ended.v1',
      ce_source: 'call-processor',
      ce_time: '2026-03-01T10:00:00.000+01:00',
      ce_subject: 'call_1',
      'content-type': 'application/json',
      correlationid: 'call_1',
      causationid: 'evt_9',
      traceparent: TRACE,
    });
    // what a consumer reads back is what was said
    expect(fromKafkaHeaders(headers)).toEqual({
      ...meta,
      contentType: 'application/json',
      causationId: 'evt_9',
      traceparent: TRACE,
    });
  });

  it('when the cause brings no trace context, then the trace started here is used', () => {
    const headers = eventHeaders({ ...meta, cause: { id: 'evt_9', traceparent: undefined }, traceparent: TRACE });
    expect(headers).toMatchObject({ causationid: 'evt_9', traceparent: TRACE });
  });

  it('when there is no cause (ingress), then there is no causationid and the trace started here is used', () => {
    const headers = eventHeaders({ ...meta, traceparent: TRACE });
    expect(headers).not.toHaveProperty('causationid');
    expect(headers).toMatchObject({ traceparent: TRACE, 'content-type': 'application/json', ce_specversion: '1.0' });
  });

  it('when optional fields are left out, then no header is written for them', () => {
    const { subject: _s, correlationId: _c, ...bare } = meta;
    expect(Object.keys(eventHeaders(bare)).sort()).toEqual(
      ['ce_id', 'ce_source', 'ce_specversion', 'ce_time', 'ce_type', 'content-type'].sort(),
    );
  });
});

describe('the trace context an event carries on', () => {
  let tracing: InMemoryTracing;
  beforeAll(() => {
    tracing = startInMemoryTracing('message-edge-test');
  });
  afterAll(() => tracing.shutdown());
  const meta = {
    id: 'call_1:call.ended.v1',
    type: 'call.ended.v1',
    source: 'call-processor',
    time: '2026-03-01T10:00:00.000+01:00',
    cause: { id: 'evt_9', traceparent: TRACE },
  };
  const traceparentOf = (span: Span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

  it('when a span is active (a request, a message being handled), then the event names that span, not the one its cause came from', async () => {
    const headers = await withSpan({ name: 'POST /webhooks/retell' }, async (span) => {
      expect(span.isRecording()).toBe(true);
      return { sent: eventHeaders({ ...meta, traceparent: newTraceparent() }), expected: traceparentOf(span) };
    });
    expect(headers.sent.traceparent).toBe(headers.expected);
    expect(headers.sent.causationid).toBe('evt_9');
  });

  it('when the runner has a message in hand, then an event it causes names that message’s span, whichever span is active', async () => {
    const handedOn = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const sent = await withSpan({ name: 'transaction' }, async () =>
      withInHand({ logFields: undefined, traceparents: new Map([['evt_9', handedOn]]) }, () => ({
        caused: eventHeaders(meta),
        other: eventHeaders({ ...meta, cause: { id: 'evt_other', traceparent: TRACE } }),
      })),
    );
    expect(sent.caused.traceparent).toBe(handedOn);
    // an event of another cause: the active span, as outside the runner
    expect(sent.other.traceparent).not.toBe(handedOn);
    expect(sent.other.traceparent).not.toBe(TRACE);
  });

  it('when no span is active, then the cause’s traceparent travels on as before', () => {
    expect(eventHeaders(meta).traceparent).toBe(TRACE);
  });
});

describe('building an outbox event', () => {
  const meta = {
    id: 'call_1:booking.callback-needed.v1',
    type: 'booking.callback-needed.v1',
    source: 'call-processor',
    time: '2026-03-01T10:00:00.000Z',
    subject: 'call_1',
    cause: { id: 'evt_9', traceparent: TRACE },
  };

  it('when encode succeeds, then the row has the topic, the key, the encoded value and the headers', () => {
    const value = framed(callback);
    const event = buildOutboxEvent({ topic: 'calls.booking-intents.v1', key: 'call_1' }, meta, () => value);
    expect(event).toEqual({ topic: 'calls.booking-intents.v1', key: 'call_1', value, headers: eventHeaders(meta) });
  });

  it('when encode throws (our own event breaks its contract), then OUTPUT_CONTRACT_VIOLATION, poison, with the cause', () => {
    const failure = new Error('/customer/phone must be string');
    const error = poisonOf(() =>
      buildOutboxEvent({ topic: 'calls.booking-intents.v1', key: 'call_1' }, meta, () => {
        throw failure;
      }),
    );
    expect(error.code).toBe('OUTPUT_CONTRACT_VIOLATION');
    expect(error.message).toBe('booking.callback-needed.v1: /customer/phone must be string');
    expect(error.cause).toBe(failure);
  });
});
