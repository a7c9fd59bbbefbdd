import { PoisonMessageError } from '@rb/kafka-runner';
import { makeIntent } from '../../test/booking-harness';
import { cancelledOutcome, failedOutcome, outcomeEvent } from './booking-outcomes';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const now = new Date('2026-10-01T08:00:00Z');
const framing = {
  encode: (_topic: string, value: unknown) => Buffer.from(JSON.stringify(value)),
  source: '/retell-booking/booking',
  clock: () => now,
  outcomesTopic: 'it.outcomes',
};

describe('the outcomes booking emits', () => {
  const intent = makeIntent('5f0c3f3e-7a61-4c55-9d0e-0d5f1f0a0a01', '2026-10-13T12:30:00Z', { callId: 'call_1' });

  it('when an outcome is framed for the outbox, then it is keyed by call id, its id names the intent and the change, and it follows from its cause', () => {
    const cancelled = cancelledOutcome(intent, now, 'uid_1', 'compensation');
    const event = outcomeEvent(
      cancelled,
      { id: 'e1', type: intent.type, source: '/t', time: now.toISOString(), traceparent: TRACE },
      framing,
    );
    expect(event).toMatchObject({ topic: 'it.outcomes', key: 'call_1' });
    expect(event.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'call_1:booking-intent:booking.cancelled.v1:uid_1',
      ce_type: 'booking.cancelled.v1',
      ce_source: '/retell-booking/booking',
      ce_time: now.toISOString(),
      ce_subject: 'call_1',
      'content-type': 'application/json',
      correlationid: 'call_1',
      causationid: 'e1',
      traceparent: TRACE,
    });
    expect(JSON.parse(event.value!.toString())).toEqual(cancelled);
  });

  it('when a failure is described at length, then the detail is cut at 500 characters', () => {
    const failed = failedOutcome(intent, now, 'calcom_unavailable', 'x'.repeat(600));
    expect(failed).toMatchObject({ type: 'booking.failed.v1', callId: 'call_1', occurredAt: now.toISOString() });
    expect(failed.detail).toHaveLength(500);
  });

  it('when our own outcome breaks its contract, then it is poison (OUTPUT_CONTRACT_VIOLATION), not retried', () => {
    const refusing = {
      ...framing,
      encode: () => {
        throw new Error('bad');
      },
    };
    const failed = failedOutcome(intent, now, 'calcom_unavailable', 'down');
    expect(() => outcomeEvent(failed, undefined, refusing)).toThrow(PoisonMessageError);
    expect(() => outcomeEvent(failed, undefined, refusing)).toThrow(/OUTPUT|booking.failed.v1: bad/);
  });
});
