import { BodyReadError } from './entry-points/http/read-body';
import { PublishError } from './infra/batching-publisher';
import { isIngressError } from './ingress-error';

describe('IngressError', () => {
  it('when the broker does not store a webhook, then the error has a stable code and is retryable', () => {
    const error = new PublishError('PRODUCE_TIMEOUT', 'not sent within 500 ms', { cause: new Error('slow') });
    expect(isIngressError(error)).toBe(true);
    expect({ name: error.name, code: error.code, retryable: error.retryable }).toEqual({
      name: 'PublishError',
      code: 'PRODUCE_TIMEOUT',
      retryable: true,
    });
    expect((error.cause as Error).message).toBe('slow');
  });

  it('when a body cannot be read, then its code names why and only an aborted request is worth a retry', () => {
    const tooLarge = new BodyReadError(413, 'entity.too.large', 'body larger than 10 bytes', 10);
    const aborted = new BodyReadError(400, 'request.aborted', 'the request ended before its body');
    expect(isIngressError(tooLarge)).toBe(true);
    expect([tooLarge.code, tooLarge.retryable, tooLarge.status, tooLarge.type, tooLarge.limit]).toEqual([
      'BODY_TOO_LARGE',
      false,
      413,
      'entity.too.large',
      10,
    ]);
    expect([aborted.code, aborted.retryable]).toEqual(['BODY_ABORTED', true]);
    expect(isIngressError(new Error('plain'))).toBe(false);
  });
});
