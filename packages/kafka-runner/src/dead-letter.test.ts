import type { Producer, ProducerRecord } from 'kafkajs';
import { deadLetterMessage } from './dead-letter';

/** A producer that only records what it was asked to send. */
function recordingProducer() {
  const sent: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      sent.push(record);
      return [];
    },
  } as unknown as Producer;
  return { producer, sent };
}

const consumed = {
  topic: 'calls.booking-intents.v1',
  partition: 2,
  offset: '41',
  key: 'call_1',
  value: Buffer.from('{}'),
  headers: { ce_id: 'call_1:booking.intent-requested.v1' },
  timestamp: 0,
};

describe('the headers of a dead letter', () => {
  it('when the error quotes an e-mail address and a phone number, then the dead letter headers do not', async () => {
    const { producer, sent } = recordingProducer();
    await deadLetterMessage(producer, consumed, {
      error: {
        code: 'ConflictException',
        message: 'Cal.com 409 ConflictException: attendee sabine@example.com (+49 176 12345678) already booked',
      },
      attempts: 5,
      consumer: 'booking',
    });
    const headers = sent[0]!.messages[0]!.headers as Record<string, string>;
    expect(sent[0]!.topic).toBe('calls.booking-intents.v1.dlq');
    expect(headers).toMatchObject({
      ce_id: 'call_1:booking.intent-requested.v1',
      dlq_error_code: 'ConflictException',
      dlq_error_message: 'Cal.com 409 ConflictException: attendee [email] ([phone]) already booked',
      dlq_original_offset: '41',
      dlq_attempts: '5',
    });
  });

  it('when the error code is free text, then a fixed code stands in for it', async () => {
    const { producer, sent } = recordingProducer();
    await deadLetterMessage(producer, consumed, {
      error: { code: 'no booking for sabine@example.com', message: 'x' },
      attempts: 1,
      consumer: 'booking',
    });
    expect((sent[0]!.messages[0]!.headers as Record<string, string>).dlq_error_code).toBe('UNSPECIFIED');
  });
});
