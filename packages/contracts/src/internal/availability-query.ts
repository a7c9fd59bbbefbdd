import { z } from 'zod';

/*
 * booking's internal query API, asked by ingress while a caller waits (Retell's check_availability):
 * `POST /internal/availability` with a bearer token of booking's QUERY_TOKENS. booking owns the
 * Cal.com credentials and the availability cache; ingress owns the Retell side (what the caller
 * said, the sentences, the slot ids). Not a Kafka contract: a synchronous question with a deadline.
 */

const localDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** The longest range one question may span, in days (a caller asks about days, not months). */
export const AVAILABILITY_MAX_DAYS = 14;

export const AvailabilityQuerySchema = z
  .strictObject({
    companyId: z.uuid(),
    branchId: z.uuid(),
    /** the service's Cal.com event type, from the tenant directory */
    calcomEventTypeId: z.number().int().positive(),
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(24 * 60),
    /**
     * first and last local day of the branch (inclusive) the caller asked about; days of the
     * calendar only (booking answers 2026-02-30, which this pattern lets through, with 400)
     */
    fromDay: localDay,
    toDay: localDay,
    /**
     * starts only within these local minutes of the day, [from, to): "nachmittags" is 720–1020;
     * absent: the whole day
     */
    window: z
      .strictObject({ fromMinute: z.number().int().min(0).max(1440), toMinute: z.number().int().min(0).max(1440) })
      .refine((w) => w.fromMinute < w.toMinute, 'fromMinute must be before toMinute')
      .optional(),
    /**
     * the exact start the caller named, if any (UTC): free → it comes first, even outside `window`
     * (the caller named that very time); taken → alternatives around it
     */
    wishedStartUtc: z.iso.datetime().optional(),
    /** how many starts to answer (default 3) */
    limit: z.number().int().min(1).max(10).default(3),
  })
  .refine((q) => q.fromDay <= q.toDay, { message: 'fromDay must not be after toDay', path: ['toDay'] })
  .refine((q) => (Date.parse(q.toDay) - Date.parse(q.fromDay)) / 86_400_000 < AVAILABILITY_MAX_DAYS, {
    message: `a question spans at most ${AVAILABILITY_MAX_DAYS} days`,
    path: ['toDay'],
  });
export type AvailabilityQuery = z.input<typeof AvailabilityQuerySchema>;
export type ParsedAvailabilityQuery = z.output<typeof AvailabilityQuerySchema>;

const slot = {
  startUtc: z.iso.datetime(),
  endUtc: z.iso.datetime(),
};

export const AlternativeStrategySchema = z.enum([
  'same_day_other_time',
  'next_workday_same_time',
  'next_week_same_day',
  'next_available_workday',
]);

/** What booking answers (HTTP 200 for the first two, 422 refused, 503 unavailable). */
export const AvailabilityAnswerSchema = z.discriminatedUnion('kind', [
  /** free starts in the asked range and window, earliest first (the wished start first when free) */
  z.strictObject({ kind: z.literal('free'), timeZone: z.string(), slots: z.array(z.strictObject(slot)) }),
  /**
   * none free in the range: at most `limit` alternatives, ranked by strategy, then closeness, around
   * the wish (without one: the window's first minute, or midnight, on `fromDay`), from `fromDay` up
   * to a week after `toDay`; may be empty
   */
  z.strictObject({
    kind: z.literal('none_free'),
    timeZone: z.string(),
    alternatives: z.array(z.strictObject({ ...slot, strategy: AlternativeStrategySchema })),
  }),
  /** booking cannot answer for this tenant: not a question of time */
  z.strictObject({
    kind: z.literal('refused'),
    reason: z.enum([
      'unknown_branch',
      'inactive_branch',
      'no_calcom_account',
      'event_type_not_found',
      'calendar_refused',
    ]),
    detail: z.string(),
  }),
  /** Cal.com does not answer now (down, breaker open, too slow): ask again later (also as Retry-After) */
  z.strictObject({
    kind: z.literal('unavailable'),
    reason: z.enum(['calendar_unavailable', 'circuit_open', 'timeout', 'overloaded']),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
  }),
]);
export type AvailabilityAnswer = z.infer<typeof AvailabilityAnswerSchema>;

export const AVAILABILITY_QUERY_ROUTE = '/internal/availability';
