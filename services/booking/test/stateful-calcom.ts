import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

interface FakeBooking {
  id: number;
  uid: string;
  status: 'accepted' | 'cancelled';
  start: string;
  end: string;
  eventTypeId: number;
  metadata: Record<string, string>;
  rescheduledToUid?: string;
  attendees: { name: string; phoneNumber?: string; email?: string; timeZone: string }[];
}

export interface Fault {
  /** which requests: e.g. 'POST /v2/bookings' */
  route: string;
  /** apply the request's effect first, then answer late (a timeout whose write went through) */
  applyThenDelayMs?: number;
  /** answer with this status without applying anything */
  status?: number;
  /** with `status` (default 200): this body instead of an error envelope */
  body?: unknown;
  /** with `status` or `body`: the fault's answer comes this late (a slow failure) */
  delayMs?: number;
  /** how many requests it hits (default 1) */
  times?: number;
}

/**
 * A stateful Cal.com on 127.0.0.1 for behaviour tests: bookings are kept, a taken slot is refused
 * with Cal.com's 400, list filters by event type and time, and faults are injected per route.
 * (Request shapes are checked against the OpenAPI document by the Prism contract tests.)
 */
export async function startStatefulCalcom(
  options: {
    durationMinutes?: number;
    freeStartsUtc?: string[];
    validTokens?: string[];
    /** every answer this late (Cal.com's own latency, for benchmarks) */
    latencyMs?: number;
    /** booking uids start with this (Cal.com's are unique everywhere; give each fake its own) */
    uidPrefix?: string;
    /** slots are free unless booked (instead of only `freeStartsUtc`): every quarter hour 08:00–18:00 UTC */
    openCalendar?: boolean;
  } = {},
) {
  const bookings: FakeBooking[] = [];
  const faults: (Fault & { left: number })[] = [];
  const calls: string[] = [];
  /** requests whose connection closed before their answer was sent: the caller gave them up */
  const abandoned: string[] = [];
  const duration = options.durationMinutes ?? 45;
  let nextId = 1;

  const envelope = (data: unknown) => ({ status: 'success', data });
  /** an accepted booking holds its host from its start to its end: a slot starting inside is taken */
  const overlaps = (b: FakeBooking, start: number) =>
    b.status === 'accepted' && start < Date.parse(b.end) && start + duration * 60_000 > Date.parse(b.start);
  const error = (status: number, code: string, message: string) => ({
    status: 'error',
    timestamp: new Date().toISOString(),
    path: '/v2',
    error: { code, message },
  });

  const handle = (method: string, url: URL, body: Record<string, unknown>): [number, unknown] => {
    const path = url.pathname;
    if (method === 'POST' && path === '/v2/bookings') {
      const start = new Date(String(body.start)).toISOString();
      const eventTypeId = Number(body.eventTypeId);
      if (bookings.some((b) => b.eventTypeId === eventTypeId && overlaps(b, Date.parse(start)))) {
        return [
          400,
          error(400, 'BadRequestException', 'User either already has booking at this time or is not available'),
        ];
      }
      const booking: FakeBooking = {
        id: nextId,
        uid: `${options.uidPrefix ?? 'fake_'}${nextId++}`,
        status: 'accepted',
        start,
        end: new Date(Date.parse(start) + duration * 60_000).toISOString(),
        eventTypeId,
        metadata: (body.metadata ?? {}) as Record<string, string>,
        attendees: [body.attendee as FakeBooking['attendees'][number]],
      };
      bookings.push(booking);
      return [201, envelope(booking)];
    }
    if (method === 'GET' && path === '/v2/slots') {
      // the configured free starts in the range that no accepted booking holds
      const slotEventType = Number(url.searchParams.get('eventTypeId'));
      const from = Date.parse(url.searchParams.get('start')!);
      const to = Date.parse(url.searchParams.get('end')!);
      const days: Record<string, { start: string }[]> = {};
      for (const start of options.openCalendar ? openStarts(from, to) : (options.freeStartsUtc ?? [])) {
        const t = Date.parse(start);
        if (t < from || t > to) continue;
        if (bookings.some((b) => b.eventTypeId === slotEventType && overlaps(b, t))) continue;
        // grouped by the day of the asked zone, times with its offset, as Cal.com answers
        const local = DateTime.fromMillis(t, { zone: url.searchParams.get('timeZone') ?? 'utc' });
        (days[local.toISODate()!] ??= []).push({ start: local.toISO()! });
      }
      return [200, envelope(days)];
    }
    if (method === 'GET' && path === '/v2/bookings') {
      const eventTypeId = url.searchParams.get('eventTypeId');
      const after = url.searchParams.get('afterStart');
      const before = url.searchParams.get('beforeEnd');
      const statuses = url.searchParams.getAll('status');
      const found = bookings.filter(
        (b) =>
          (!eventTypeId || b.eventTypeId === Number(eventTypeId)) &&
          (!after || b.start >= new Date(after).toISOString()) &&
          (!before || b.end <= new Date(before).toISOString()) &&
          (statuses.length === 0 || statuses.includes(b.status === 'accepted' ? 'upcoming' : 'cancelled')),
      );
      return [200, envelope(found)];
    }
    const one = /^\/v2\/bookings\/([^/]+)(\/cancel|\/reschedule)?$/.exec(path);
    if (one) {
      const booking = bookings.find((b) => b.uid === decodeURIComponent(one[1]!));
      if (!booking) return [404, error(404, 'NotFoundException', 'booking not found')];
      if (method === 'GET' && !one[2]) return [200, envelope(booking)];
      if (method === 'POST' && one[2] === '/cancel') {
        if (booking.status === 'cancelled')
          return [400, error(400, 'BadRequestException', 'booking is already cancelled')];
        booking.status = 'cancelled';
        return [200, envelope(booking)];
      }
      if (method === 'POST' && one[2] === '/reschedule') {
        if (booking.status !== 'accepted') return [400, error(400, 'BadRequestException', 'booking is cancelled')];
        const start = new Date(String(body.start)).toISOString();
        const moved: FakeBooking = {
          ...booking,
          id: nextId,
          uid: `${options.uidPrefix ?? 'fake_'}${nextId++}`,
          start,
          end: new Date(Date.parse(start) + duration * 60_000).toISOString(),
        };
        booking.status = 'cancelled';
        booking.rescheduledToUid = moved.uid;
        bookings.push(moved);
        return [201, envelope({ ...moved, rescheduledFromUid: booking.uid })];
      }
    }
    return [404, error(404, 'NotFoundException', `no route ${method} ${path}`)];
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const route = `${req.method} ${url.pathname}`;
      calls.push(route);
      const fault = faults.find((f) => f.left > 0 && route.startsWith(f.route));
      if (fault) fault.left -= 1;
      res.once('close', () => {
        if (!res.writableEnded) abandoned.push(route);
      });
      const reply = (status: number, body: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const late = (status: number, body: unknown) => {
        if (fault?.delayMs) setTimeout(() => reply(status, body), fault.delayMs);
        else reply(status, body);
      };
      if (fault?.body !== undefined) return late(fault.status ?? 200, fault.body);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (options.validTokens && !options.validTokens.includes(token ?? '')) {
        return reply(401, error(401, 'UnauthorizedException', 'Invalid API key'));
      }
      if (fault?.status) return late(fault.status, error(fault.status, 'Injected', 'injected fault'));
      const [status, body] = handle(req.method ?? 'GET', url, raw ? (JSON.parse(raw) as Record<string, unknown>) : {});
      const delay = (fault?.applyThenDelayMs ?? 0) + (options.latencyMs ?? 0);
      if (delay > 0) setTimeout(() => reply(status, body), delay);
      else reply(status, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bookings,
    calls,
    abandoned,
    inject(fault: Fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Quarter hours from 08:00 to 17:45 UTC of every day in [from, to]. */
function openStarts(from: number, to: number): string[] {
  const starts: string[] = [];
  const day = new Date(from);
  day.setUTCHours(0, 0, 0, 0);
  for (let d = day.getTime(); d <= to; d += 86_400_000) {
    for (let minutes = 8 * 60; minutes < 18 * 60; minutes += 15) {
      const t = d + minutes * 60_000;
      if (t >= from && t <= to) starts.push(new Date(t).toISOString());
    }
  }
  return starts;
}
