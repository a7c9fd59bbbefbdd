import type { BookingListQuery, CalcomBooking, CreateBookingRequest, SlotQuery } from './calcom-api';
import { CAL_API_VERSION, parseBooking, parseBookings, parseSlots } from './calcom-api';
import type { CalcomAccount, CalcomTransportOptions, Fetch } from './calcom-transport';
import { CalcomTransport } from './calcom-transport';

export type { Attendee, BookingListQuery, CalcomBooking, CreateBookingRequest, SlotQuery } from './calcom-api';
export { CAL_API_VERSION } from './calcom-api';
export type { CalcomAccount, Fetch } from './calcom-transport';
export { MAX_RESPONSE_BYTES } from './calcom-transport';

export type CalcomClientOptions = CalcomTransportOptions;

/**
 * Cal.com API v2, the endpoints booking needs (../shared/calcom/NOTES.md): each with the
 * `cal-api-version` its controller answers to (calcom-api.ts), times sent in UTC, an
 * `X-Request-Id` of ours on every call (calcom-transport.ts). No retries here: `CalcomGateway`
 * decides what may be retried.
 */
export class CalcomClient {
  private readonly transport: CalcomTransport;

  constructor(account: CalcomAccount, fetchImpl: Fetch = fetch, options: CalcomClientOptions = {}) {
    this.transport = new CalcomTransport(account, fetchImpl, options);
  }

  /** Free start times, as UTC instants, per day of the requested zone. */
  async slots(query: SlotQuery, signal?: AbortSignal): Promise<{ day: string; startsUtc: string[] }[]> {
    const data = await this.transport.request('GET', '/v2/slots', {
      route: '/v2/slots',
      version: CAL_API_VERSION.slots,
      query: {
        eventTypeId: String(query.eventTypeId),
        start: query.startUtc,
        end: query.endUtc,
        timeZone: query.timeZone,
        ...(query.lengthInMinutes ? { duration: String(query.lengthInMinutes) } : {}),
      },
      signal,
    });
    return parseSlots(data);
  }

  async createBooking(request: CreateBookingRequest, signal?: AbortSignal): Promise<CalcomBooking> {
    const attendee = Object.fromEntries(Object.entries(request.attendee).filter(([, v]) => v !== undefined));
    const data = await this.transport.request('POST', '/v2/bookings', {
      route: '/v2/bookings',
      version: CAL_API_VERSION.bookings,
      body: {
        start: request.startUtc,
        eventTypeId: request.eventTypeId,
        attendee,
        metadata: request.metadata,
        ...(request.lengthInMinutes ? { lengthInMinutes: request.lengthInMinutes } : {}),
        ...(request.bookingFieldsResponses ? { bookingFieldsResponses: request.bookingFieldsResponses } : {}),
      },
      personal: [request.attendee.name, request.attendee.email, request.attendee.phoneNumber],
      signal,
    });
    return parseBooking(data);
  }

  async getBooking(uid: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.transport.request('GET', `/v2/bookings/${encodeURIComponent(uid)}`, {
      route: '/v2/bookings/{uid}',
      version: CAL_API_VERSION.bookings,
      signal,
    });
    return parseBooking(data);
  }

  async listBookings(query: BookingListQuery, signal?: AbortSignal): Promise<CalcomBooking[]> {
    const q: Record<string, string> = {};
    if (query.eventTypeId !== undefined) q.eventTypeId = String(query.eventTypeId);
    if (query.attendeeEmail) q.attendeeEmail = query.attendeeEmail;
    if (query.attendeeName) q.attendeeName = query.attendeeName;
    if (query.afterStart) q.afterStart = query.afterStart;
    if (query.beforeEnd) q.beforeEnd = query.beforeEnd;
    // repeated (`status=upcoming&status=unconfirmed`): the spec's array form, which Prism checks
    // item by item; Cal.com also documents a comma-separated form
    if (query.take) q.take = String(query.take);
    if (query.skip) q.skip = String(query.skip);
    const data = await this.transport.request('GET', '/v2/bookings', {
      route: '/v2/bookings',
      version: CAL_API_VERSION.bookings,
      query: q,
      repeated: query.status?.length ? { status: query.status } : undefined,
      personal: [query.attendeeEmail, query.attendeeName],
      signal,
    });
    return parseBookings(data);
  }

  async cancelBooking(uid: string, reason: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.transport.request('POST', `/v2/bookings/${encodeURIComponent(uid)}/cancel`, {
      route: '/v2/bookings/{uid}/cancel',
      version: CAL_API_VERSION.bookings,
      body: { cancellationReason: reason },
      signal,
    });
    return parseBooking(data);
  }

  /** Moves a booking: Cal.com creates a new one with a new uid and cancels the old one. */
  async rescheduleBooking(uid: string, startUtc: string, reason: string, signal?: AbortSignal): Promise<CalcomBooking> {
    const data = await this.transport.request('POST', `/v2/bookings/${encodeURIComponent(uid)}/reschedule`, {
      route: '/v2/bookings/{uid}/reschedule',
      version: CAL_API_VERSION.bookings,
      body: { start: startUtc, reschedulingReason: reason },
      signal,
    });
    return parseBooking(data);
  }
}
