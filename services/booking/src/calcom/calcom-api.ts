import { z } from 'zod';

/**
 * Cal.com API v2, the shapes booking sends and reads (../shared/calcom/NOTES.md): the
 * `cal-api-version` each controller answers to (a missing or unknown one silently reaches the
 * legacy handlers), the requests' inputs, and the answers' schemas with their parsing.
 */
export const CAL_API_VERSION = { bookings: '2024-08-13', slots: '2024-09-04' } as const;

export interface Attendee {
  name: string;
  /** IANA zone the attendee's notifications use */
  timeZone: string;
  /** E.164; Cal.com needs a phone number or an email */
  phoneNumber?: string;
  email?: string;
  language?: string;
}

export interface CreateBookingRequest {
  eventTypeId: number;
  /** UTC instant, e.g. 2026-10-16T12:30:00Z */
  startUtc: string;
  attendee: Attendee;
  /** our keys (idempotency key, tenant ids): at most 50 keys, values up to 500 characters */
  metadata: Record<string, string>;
  lengthInMinutes?: number;
  bookingFieldsResponses?: Record<string, unknown>;
}

export interface SlotQuery {
  eventTypeId: number;
  /** UTC instants (or dates) bounding the search */
  startUtc: string;
  endUtc: string;
  /** the zone the answer's times are expressed in */
  timeZone: string;
  lengthInMinutes?: number;
}

export interface BookingListQuery {
  eventTypeId?: number;
  attendeeEmail?: string;
  attendeeName?: string;
  afterStart?: string;
  beforeEnd?: string;
  status?: ('upcoming' | 'recurring' | 'past' | 'cancelled' | 'unconfirmed')[];
  take?: number;
  skip?: number;
}

const BookingSchema = z.looseObject({
  id: z.number(),
  uid: z.string(),
  status: z.string(),
  start: z.string(),
  end: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional().nullable(),
  rescheduledToUid: z.string().optional().nullable(),
  eventTypeId: z.number().optional().nullable(),
});
export type CalcomBooking = z.infer<typeof BookingSchema>;

const SlotsSchema = z.record(z.string(), z.array(z.looseObject({ start: z.string(), end: z.string().optional() })));

/** One booking's answer (some endpoints wrap it in an array: its first item). */
export function parseBooking(data: unknown): CalcomBooking {
  return BookingSchema.parse(Array.isArray(data) ? data[0] : data);
}

export function parseBookings(data: unknown): CalcomBooking[] {
  return z.array(BookingSchema).parse(data);
}

/** Free start times, as UTC instants, per day of the requested zone, days in order. */
export function parseSlots(data: unknown): { day: string; startsUtc: string[] }[] {
  const days = SlotsSchema.parse(data);
  return Object.entries(days)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, slots]) => ({ day, startsUtc: slots.map((s) => new Date(s.start).toISOString()) }));
}
