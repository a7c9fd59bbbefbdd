import type { BookingCommandV1 } from '@rb/contracts';
import { PublishError } from '../infra/batching-publisher';
import type { EventPublisher } from '../webhooks/ports';
import { makeCommandSender } from './command-sender';

const CANCEL: BookingCommandV1 = {
  type: 'booking.cancel-requested.v1',
  callId: 'call_0e5f7a9c31d84b26a7e4c90b1d2',
  commandId: '00000000-0000-4000-8000-000000000001',
  idempotencyKey: 'live:call_0e5f7a9c31d84b26a7e4c90b1d2:cancel:bk_3HF8Q2ZD',
  attribution: {
    companyId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e01',
    branchId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e02',
    phoneNumberId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e03',
  },
  caller: { phone: '+4917612345678' },
  requestedAt: '2026-10-13T09:15:00.000Z',
  bookingId: 'bk_3HF8Q2ZD',
  reason: null,
};

const sender = (publish: EventPublisher['publish']) =>
  makeCommandSender({ publisher: { publish }, topicSchemaId: () => 7, source: '/test' });

/** a produce request the broker did not answer in time, as kafkajs reports it after its retries */
function requestTimedOut(): Error {
  const timeout = Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), {
    name: 'KafkaJSRequestTimeoutError',
  });
  const retries = Object.assign(new Error(timeout.message, { cause: timeout }), {
    name: 'KafkaJSNumberOfRetriesExceeded',
  });
  return new PublishError('PRODUCE_FAILED', 'broker did not acknowledge', { cause: retries });
}

describe('sending a command to booking.commands.v1', () => {
  it('when the broker acknowledges it, then sent', async () => {
    expect(await sender(async () => undefined)(CANCEL, 100)).toEqual({ kind: 'sent' });
  });

  it('when the broker has not acknowledged it by the deadline, then unknown (it may still be stored), never failed', async () => {
    let acknowledge!: () => void;
    const published = new Promise<void>((resolve) => (acknowledge = resolve));
    expect(await sender(() => published)(CANCEL, 20)).toEqual({ kind: 'unknown' });
    acknowledge();
  });

  it('when its produce request timed out at the broker, then unknown', async () => {
    expect(await sender(async () => Promise.reject(requestTimedOut()))(CANCEL, 100)).toEqual({ kind: 'unknown' });
  });

  it.each([
    ['too many are waiting', new PublishError('BACKPRESSURE', 'more than 5 pending')],
    ['ingress is shutting down', new PublishError('SHUTTING_DOWN', 'shutting down')],
    ['it was still queued at its deadline (never sent)', new PublishError('PRODUCE_TIMEOUT', 'not sent within 100 ms')],
    [
      'the broker refused the connection',
      new PublishError('PRODUCE_FAILED', 'broker did not acknowledge', {
        cause: Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }),
      }),
    ],
  ])('when %s, then failed: definitely not stored', async (_, error) => {
    expect(await sender(async () => Promise.reject(error))(CANCEL, 100)).toEqual({ kind: 'failed' });
  });
});
