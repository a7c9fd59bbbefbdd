import { z } from 'zod';
import { AppointmentSchema } from '../booking/appointment';

/*
 * booking's internal query API for Retell's find_appointments: `POST /internal/appointments` with a
 * bearer token of booking's QUERY_TOKENS. The caller's number travels in the JSON body, never in a
 * URL. booking keeps its own index of the bookings it made by (company, caller number), as a keyed
 * digest of the number, because Cal.com cannot search by phone.
 */
export const APPOINTMENTS_QUERY_ROUTE = '/internal/appointments';

/** The most bookings one answer lists: a caller hears them read out. */
export const APPOINTMENTS_MAX = 3;

export const AppointmentsQuerySchema = z.strictObject({
  companyId: z.uuid(),
  /** the number the call came from, E.164 */
  callerPhone: z.string().min(3).max(32),
});
export type AppointmentsQuery = z.infer<typeof AppointmentsQuerySchema>;

/** The caller's upcoming bookings at that company (confirmed or awaiting the business), earliest first. */
export const AppointmentsAnswerSchema = z.strictObject({
  appointments: z.array(AppointmentSchema).max(APPOINTMENTS_MAX),
});
export type AppointmentsAnswer = z.infer<typeof AppointmentsAnswerSchema>;
