import { z } from 'zod';
import { BookingIntentRequestedV1Schema } from './booking-intent-requested.v1';
import { CallAnalysedV1Schema } from './call-analysed.v1';
import { CallEndedV1Schema } from './call-ended.v1';
import { CallRoutedV1Schema } from './call-routed.v1';
import { CallUnroutedV1Schema } from './call-unrouted.v1';
import { CallbackNeededV1Schema } from './callback-needed.v1';

export * from './attribution';
export * from './booking-claim';
export * from './booking-intent-requested.v1';
export * from './call-analysed.v1';
export * from './call-ended.v1';
export * from './call-routed.v1';
export * from './call-unrouted.v1';
export * from './callback-needed.v1';

/** Value schema of calls.lifecycle.v1 (key: call id). */
export const CallLifecycleEventSchema = z.discriminatedUnion('type', [
  CallRoutedV1Schema,
  CallUnroutedV1Schema,
  CallEndedV1Schema,
  CallAnalysedV1Schema,
]);
export type CallLifecycleEvent = z.infer<typeof CallLifecycleEventSchema>;

/** Value schema of calls.booking-intents.v1 (key: call id). */
export const BookingIntentEventSchema = z.discriminatedUnion('type', [
  BookingIntentRequestedV1Schema,
  CallbackNeededV1Schema,
]);
export type BookingIntentEvent = z.infer<typeof BookingIntentEventSchema>;
