import type { InMemoryTracing } from '@rb/observability';
import { SpanKind, SpanStatusCode, startInMemoryTracing } from '@rb/observability';
import type { Fetch } from './calcom-client';
import { CalcomClient } from './calcom-client';

/** Cal.com answering `status` with `body` to every call; the URLs asked are noted. */
function answering(status: number, body: unknown): { fetch: Fetch; asked: string[] } {
  const asked: string[] = [];
  const fetch = (async (url: URL | string) => {
    asked.push(String(url));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as Fetch;
  return { fetch, asked };
}

describe('a span per Cal.com call', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = startInMemoryTracing('booking-test');
  });
  afterEach(() => tracing.shutdown());
  const account = { baseUrl: 'https://api.cal.com', token: 'cal_live_secret_key' };

  it('when bookings are looked up by attendee, then the span names method, route template, host and status, and neither the attendee nor the key', async () => {
    const calcom = answering(200, { status: 'success', data: [] });
    const client = new CalcomClient(account, calcom.fetch);
    await client.listBookings({ attendeeEmail: 'sabine@example.com', attendeeName: 'Sabine Krüger', take: 1 });
    expect(calcom.asked[0]).toContain('attendeeEmail=sabine');
    const [span] = tracing.spans();
    expect(span).toMatchObject({ name: 'GET /v2/bookings', kind: SpanKind.CLIENT });
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.template': '/v2/bookings',
      'server.address': 'api.cal.com',
      'http.response.status_code': 200,
      'calcom.request_id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const said = JSON.stringify({ name: span!.name, attributes: span!.attributes, events: span!.events });
    for (const secret of ['sabine', 'Sabine', 'Kr', 'cal_live_secret_key']) expect(said).not.toContain(secret);
  });

  it('when Cal.com answers an error, then the span is an error with our code and the status, named by the template, not the uid', async () => {
    const calcom = answering(404, {
      status: 'error',
      error: { code: 'NotFoundException', message: 'Booking with uid=bk_7Q2M9XK4 was not found' },
    });
    const client = new CalcomClient(account, calcom.fetch);
    await expect(client.getBooking('bk_7Q2M9XK4')).rejects.toMatchObject({ code: 'CALCOM_NOT_FOUND' });
    const [span] = tracing.spans();
    expect(span!.name).toBe('GET /v2/bookings/{uid}');
    expect(span!.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': 'CALCOM_NOT_FOUND' });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CALCOM_NOT_FOUND' });
    expect(JSON.stringify(span!.attributes)).not.toContain('bk_7Q2M9XK4');
  });
});
