import { calcomError, startScriptedCalcom, success } from '../../test/scripted-calcom';
import { CalcomClient } from './calcom-client';
import type { GatewayOptions, PolicyEvent } from './calcom-gateway';
import { CalcomGateway } from './calcom-gateway';

/** The gateway's policies against a scripted Cal.com on 127.0.0.1 (faults injected per test). */
describe('the Cal.com gateway (cockatiel per account)', () => {
  let fake: Awaited<ReturnType<typeof startScriptedCalcom>>;
  beforeAll(async () => (fake = await startScriptedCalcom()));
  afterAll(() => fake.stop());
  beforeEach(() => fake.seen.splice(0));

  const TOKEN = 'cal_live_gateway_secret_abcdefghijklmnop';
  const booking = { id: 1, uid: 'b1', status: 'accepted', start: '2050-09-05T07:00:00Z', end: '2050-09-05T07:45:00Z' };
  const gateway = (options: Partial<GatewayOptions> = {}) => {
    const events: PolicyEvent[] = [];
    const g = new CalcomGateway(new CalcomClient({ baseUrl: fake.url, token: TOKEN }), {
      account: 'acct-1',
      backoff: { initialMs: 5, maxMs: 20 },
      halfOpenAfterMs: 300,
      breakAfter: 3,
      timeoutMs: 500,
      onEvent: (e) => events.push(e),
      ...options,
    });
    return { g, events };
  };
  const slotsQuery = { eventTypeId: 1, startUtc: '2050-09-05', endUtc: '2050-09-06', timeZone: 'Europe/Berlin' };

  it('when a read meets 503 twice, then it is retried with backoff and succeeds', async () => {
    let calls = 0;
    fake.script(() => (++calls <= 2 ? calcomError(503, 'ServiceUnavailable', 'down') : success(booking)));
    const { g, events } = gateway();
    expect(await g.getBooking('b1')).toMatchObject({ uid: 'b1' });
    expect(fake.seen).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      expect.objectContaining({ operation: 'get_booking', attempt: 1 }),
      expect.objectContaining({ operation: 'get_booking', attempt: 2 }),
    ]);
  });

  it('when a create meets 503, then it is not retried: its outcome is unknown and must be looked up first', async () => {
    fake.script(() => calcomError(503, 'ServiceUnavailable', 'down'));
    const { g } = gateway();
    const failure = await g
      .createBooking({
        eventTypeId: 1,
        startUtc: '2050-09-05T07:00:00Z',
        attendee: { name: 'A', timeZone: 'Europe/Berlin', phoneNumber: '+4917612345678' },
        metadata: { idempotencyKey: 'k1' },
      })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'server_error', outcomeUnknown: true });
    expect(fake.seen).toHaveLength(1);
  });

  it('when a read is refused for a reason of ours (400, 401, 404), then it is not retried', async () => {
    for (const [status, code] of [
      [400, 'BadRequestException'],
      [401, 'UnauthorizedException'],
      [404, 'NotFoundException'],
    ] as const) {
      fake.seen.splice(0);
      fake.script(() => calcomError(status, code, 'no'));
      await expect(gateway().g.getBooking('b1')).rejects.toMatchObject({ status, retryable: false });
      expect(fake.seen).toHaveLength(1);
    }
  });

  it('when Cal.com keeps failing, then the breaker opens, calls fail at once without reaching it, and it closes again after a good call', async () => {
    fake.script(() => calcomError(500, 'InternalServerErrorException', 'boom'));
    const { g, events } = gateway({ readAttempts: 1 });
    for (let i = 0; i < 3; i++) await expect(g.getBooking('b1')).rejects.toMatchObject({ kind: 'server_error' });
    expect(g.breakerState).toBe('open');
    const before = fake.seen.length;
    await expect(g.getBooking('b1')).rejects.toMatchObject({ kind: 'circuit_open', retryAfterSeconds: 1 });
    expect(fake.seen.length).toBe(before);

    fake.script(() => success(booking));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await g.getBooking('b1')).toMatchObject({ uid: 'b1' });
    expect(g.breakerState).toBe('closed');
    expect(events.filter((e) => e.type === 'breaker').map((e) => (e as { state: string }).state)).toEqual([
      'open',
      'half_open',
      'closed',
    ]);
  });

  it('when a refusal is ours (404), then it does not count towards the breaker', async () => {
    fake.script(() => calcomError(404, 'NotFoundException', 'no such booking'));
    const { g } = gateway({ readAttempts: 1 });
    for (let i = 0; i < 5; i++) await expect(g.getBooking('gone')).rejects.toMatchObject({ kind: 'not_found' });
    expect(g.breakerState).toBe('closed');
  });

  it('when the rate limit resets within a second, then the read waits and is retried; when it resets in a minute, then the caller is told at once', async () => {
    let calls = 0;
    fake.script(() =>
      ++calls === 1
        ? calcomError(429, 'ThrottlerException', 'Too many requests', { 'x-ratelimit-reset-default': '1' })
        : success({ '2050-09-05': [{ start: '2050-09-05T09:00:00.000+02:00' }] }),
    );
    expect(await gateway().g.slots(slotsQuery)).toEqual([
      { day: '2050-09-05', startsUtc: ['2050-09-05T07:00:00.000Z'] },
    ]);
    expect(fake.seen).toHaveLength(2);
    // the retry came after the window reset, not after the (5 ms) backoff
    expect(fake.seen[1]!.at - fake.seen[0]!.at).toBeGreaterThanOrEqual(950);

    fake.seen.splice(0);
    fake.script(() =>
      calcomError(429, 'ThrottlerException', 'Too many requests', { 'x-ratelimit-reset-default': '58' }),
    );
    await expect(gateway().g.slots(slotsQuery)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 58 });
    expect(fake.seen).toHaveLength(1);
  });

  it('when Cal.com does not answer in time, then the call ends as a timeout', async () => {
    fake.script(() => ({ ...success(booking), delayMs: 1_000 }));
    const { g, events } = gateway({ timeoutMs: 100, readAttempts: 1 });
    await expect(g.getBooking('b1')).rejects.toMatchObject({ kind: 'timeout' });
    expect(events).toContainEqual({ type: 'timeout', operation: 'get_booking' });
  });

  it('when more calls come than the bulkhead holds, then the extra one is refused at once as overloaded', async () => {
    fake.script(() => ({ ...success(booking), delayMs: 100 }));
    const { g } = gateway({ concurrency: 1, queue: 0 });
    const results = await Promise.allSettled([g.getBooking('b1'), g.getBooking('b1')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ kind: 'overloaded' });
  });

  it('when anything fails, then the credential is in no error, and every request carried the version header and our request id', async () => {
    fake.script(() => calcomError(401, 'UnauthorizedException', 'Invalid API key'));
    const failure = (await gateway()
      .g.getBooking('b1')
      .catch((e: unknown) => e)) as Error;
    expect(`${failure.message} ${JSON.stringify(failure)} ${String(failure.cause)}`).not.toContain(TOKEN);
    expect(fake.seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'cal-api-version': '2024-08-13',
      'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});
