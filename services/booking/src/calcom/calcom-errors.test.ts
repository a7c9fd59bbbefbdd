import { BookingError } from '../booking-error';
import { CalcomError, calcomUnavailableForMs, classifyResponse, rateLimitResetSeconds } from './calcom-errors';

const envelope = (code: string, message: string) => ({ status: 'error', error: { code, message } });
const noHeaders = new Headers();

describe('what a Cal.com failure means', () => {
  it.each([
    [
      400,
      envelope('BadRequestException', 'User either already has booking at this time or is not available'),
      'slot_unavailable',
    ],
    [
      400,
      envelope('BadRequestException', 'One of the hosts either already has booking at this time or is not available'),
      'slot_unavailable',
    ],
    [400, envelope('BadRequestException', 'Attempting to book a meeting in the past.'), 'slot_unavailable'],
    [400, envelope('BadRequestException', 'Bad Request Exception'), 'invalid_request'],
    [400, envelope('BAD_REQUEST', 'attendee.timeZone - Required'), 'invalid_request'],
    [401, envelope('UnauthorizedException', 'Invalid API key'), 'unauthorized'],
    [498, envelope('ACCESS_TOKEN_IS_EXPIRED', 'expired'), 'unauthorized'],
    [403, envelope('ForbiddenException', 'no'), 'forbidden'],
    [404, envelope('NotFoundException', 'Event type not found'), 'not_found'],
    [409, envelope('ConflictException', 'booking_conflict_error'), 'conflict'],
    [409, envelope('ConflictException', 'No more seats left at this seated booking.'), 'slot_unavailable'],
    [429, envelope('ThrottlerException', 'Too many requests'), 'rate_limited'],
    [500, { statusCode: 500, message: 'Internal server error' }, 'server_error'],
    [502, '<html>Bad gateway</html>', 'server_error'],
  ])('when Cal.com answers %i %j, then it is %s', (status, body, kind) => {
    const error = classifyResponse(status, body, noHeaders, 'req-1');
    expect(error.kind).toBe(kind);
    expect(error.requestId).toBe('req-1');
  });

  it('when it is unauthorized, then the tenant must reconnect; when it timed out or was a 5xx, then a write must be looked up first', () => {
    expect(classifyResponse(401, {}, noHeaders)).toMatchObject({ permanentForTenant: true, retryable: false });
    expect(classifyResponse(503, {}, noHeaders)).toMatchObject({ outcomeUnknown: true, retryable: true });
    expect(classifyResponse(400, envelope('x', 'Bad Request Exception'), noHeaders)).toMatchObject({
      outcomeUnknown: false,
      retryable: false,
    });
  });
});

describe('Cal.com echoing the attendee', () => {
  const attendee = ['Sabine Krüger', 'sabine.krueger@example.com', '+4917612345678'];

  it('when an error message repeats the attendee we sent, then the error names no one, and its kind is still read from the words', () => {
    const echo = envelope(
      'BadRequestException',
      'Sabine Krüger (sabine.krueger@example.com, +4917612345678) either already has booking at this time or is not available',
    );
    const error = classifyResponse(400, echo, noHeaders, 'req-1', attendee);
    expect(error.kind).toBe('slot_unavailable');
    expect(error.message).toBe(
      'Cal.com 400 BadRequestException: [redacted] ([email], [phone]) either already has booking at this time or is not available',
    );
  });

  it('when the message quotes an address or number we did not send, or a bare name part, then they are replaced too', () => {
    const echo = envelope(
      'BAD_REQUEST',
      'responses.email - krüger@example.org is taken; call 0176 9876543, Frau Krüger',
    );
    expect(classifyResponse(400, echo, noHeaders, 'req-1', attendee).message).toBe(
      'Cal.com 400 BAD_REQUEST: responses.email - [email] is taken; call [phone], Frau [redacted]',
    );
    const bare = { statusCode: 500, message: 'booking_conflict_error for sabine.krueger@example.com' };
    expect(classifyResponse(500, bare, noHeaders).message).toBe('Cal.com 500: booking_conflict_error for [email]');
  });

  it('when the error code is not a code, then it is left out', () => {
    const error = classifyResponse(409, envelope('user sabine@example.com', 'conflict'), noHeaders);
    expect(error.calcomCode).toBeUndefined();
    expect(error.code).toBe('CALCOM_CONFLICT');
    expect(error.message).toBe('Cal.com 409: conflict');
  });
});

describe('when the rate-limit window resets', () => {
  const now = () => 1_764_000_000_000;
  it('when Reset holds seconds, then those; with several limits, the soonest', () => {
    expect(rateLimitResetSeconds(new Headers({ 'X-RateLimit-Reset-Default': '42' }), now)).toBe(42);
    expect(
      rateLimitResetSeconds(new Headers({ 'X-RateLimit-Reset-Default': '42', 'X-RateLimit-Reset-Short': '3' }), now),
    ).toBe(3);
  });
  it('when Reset holds a Unix time in seconds or milliseconds, then the seconds until then', () => {
    expect(rateLimitResetSeconds(new Headers({ 'X-RateLimit-Reset-Default': String(now() / 1000 + 30) }), now)).toBe(
      30,
    );
    expect(rateLimitResetSeconds(new Headers({ 'X-RateLimit-Reset-Default': String(now() + 7_000) }), now)).toBe(7);
  });
  it('when there is no Reset header or it is garbage, then nothing is known', () => {
    expect(rateLimitResetSeconds(new Headers(), now)).toBeUndefined();
    expect(rateLimitResetSeconds(new Headers({ 'X-RateLimit-Reset-Default': 'soon' }), now)).toBeUndefined();
  });
});

describe('what "Cal.com is unavailable" means, decided in one place', () => {
  it('when Cal.com failed (5xx, network, timeout), then it is unwell and unreachable, and the wait is brief', () => {
    for (const kind of ['server_error', 'network_error', 'timeout'] as const) {
      const error = new CalcomError(kind, 'x');
      expect(error).toMatchObject({
        unwell: true,
        unreachable: true,
        retryable: true,
        code: `CALCOM_${kind.toUpperCase()}`,
      });
      expect(calcomUnavailableForMs(error)).toBe(2_000);
    }
  });

  it('when our guards hold calls back, then the wait is theirs; only the open breaker counts as unreachable', () => {
    const open = new CalcomError('circuit_open', 'open', { retryAfterSeconds: 30 });
    expect(open).toMatchObject({ unwell: false, unreachable: true, retryable: true });
    expect(calcomUnavailableForMs(open)).toBe(30_000);
    expect(new CalcomError('overloaded', 'full')).toMatchObject({ unreachable: false, retryable: true });
    expect(calcomUnavailableForMs(new CalcomError('rate_limited', 'spent'))).toBe(5_000);
  });

  it('when Cal.com refused us, or it is not a Cal.com failure, then it is not unavailable', () => {
    expect(calcomUnavailableForMs(new CalcomError('unauthorized', 'no'))).toBeUndefined();
    expect(calcomUnavailableForMs(new Error('bug'))).toBeUndefined();
    expect(new CalcomError('conflict', 'busy')).toMatchObject({ retryable: false, outcomeUnknown: true });
  });

  it('when it is any Cal.com failure, then it is a BookingError with a stable code', () => {
    const error = new CalcomError('not_found', 'gone', { calcomCode: 'NotFoundException' });
    expect(error).toBeInstanceOf(BookingError);
    expect(error).toMatchObject({ code: 'CALCOM_NOT_FOUND', kind: 'not_found', calcomCode: 'NotFoundException' });
  });
});
