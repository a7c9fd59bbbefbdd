import { z } from 'zod';
import { TenantAttributionSchema } from './attribution';

const confidence = z.number().min(0).max(1);

/**
 * calls.booking-intents.v1: what a caller asked to book, once per call. `idempotencyKey` goes into
 * the Cal.com booking's metadata so a retry never books twice.
 */
export const BookingIntentRequestedV1Schema = z.strictObject({
  type: z.literal('booking.intent-requested.v1'),
  callId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  attribution: TenantAttributionSchema,
  service: z.strictObject({
    id: z.uuid(),
    name: z.string(),
    calcomEventTypeId: z.number().int().positive(),
    durationMinutes: z.number().int().positive(),
  }),
  staffPreference: z
    .strictObject({ id: z.uuid(), name: z.string(), calcomUserId: z.number().int().positive().nullable() })
    .nullable(),
  requestedStart: z.strictObject({
    utc: z.iso.datetime(),
    local: z.iso.datetime({ local: true }),
    timeZone: z.string(),
  }),
  customer: z.strictObject({ id: z.uuid().nullable(), name: z.string().nullable(), phone: z.string().nullable() }),
  confidence: z.strictObject({ date: confidence, time: confidence, service: confidence, name: confidence }),
  /** `live_call`: never on this topic; booking runs a live book command through the same path */
  source: z.enum(['analysis', 'transcript', 'live_call']),
});
export type BookingIntentRequestedV1 = z.infer<typeof BookingIntentRequestedV1Schema>;
