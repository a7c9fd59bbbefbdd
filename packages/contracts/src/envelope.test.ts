import { EnvelopeError, fromKafkaHeaders, newTraceparent, toKafkaHeaders } from './envelope';

describe('CloudEvents envelope in Kafka headers', () => {
  const envelope = {
    id: 'call_abc:call_ended',
    type: 'ai.retell.webhook.call_ended',
    source: '/retell-booking/ingress',
    time: '2026-10-13T09:41:07.412Z',
    subject: 'call_abc',
    contentType: 'application/json',
    correlationId: 'call_abc',
    traceparent: newTraceparent(),
  };

  it('when an envelope is written to headers, then it uses the ce_ binary-mode names', () => {
    const headers = toKafkaHeaders(envelope);
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'call_abc:call_ended',
      ce_type: 'ai.retell.webhook.call_ended',
      ce_source: '/retell-booking/ingress',
      ce_time: '2026-10-13T09:41:07.412Z',
      ce_subject: 'call_abc',
      'content-type': 'application/json',
      correlationid: 'call_abc',
    });
    expect(headers).not.toHaveProperty('causationid');
  });

  it('when headers come back from Kafka as buffers, then the same envelope is read', () => {
    const asBuffers = Object.fromEntries(Object.entries(toKafkaHeaders(envelope)).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaHeaders(asBuffers)).toEqual(envelope);
  });

  it('when ce_id is missing, then an EnvelopeError names the header', () => {
    const { ce_id: _drop, ...headers } = toKafkaHeaders(envelope);
    const error = (() => {
      try {
        fromKafkaHeaders(headers);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).issues.join()).toContain('ce_id');
  });

  it('when ce_specversion is absent, then the headers are rejected', () => {
    expect(() => fromKafkaHeaders({ ce_id: 'x' })).toThrow(EnvelopeError);
  });

  it('when a traceparent is made, then it has the W3C shape', () => {
    expect(newTraceparent()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
