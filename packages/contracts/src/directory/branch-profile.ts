import { z } from 'zod';

/**
 * What the phone agent needs to know of a branch (`tenants.directory.v1`, entity `branch`): where
 * it is, when it is open, the language it speaks, the Retell agent that answers its calls if not
 * the number's own, and the name it greets with.
 *
 * Every schema here is a factory: a new zod schema at each use, so the registered JSON Schema
 * writes it out in place. One instance used twice becomes a `$ref`, which the registry's BACKWARD
 * check refuses against an inline form (see `currency` in directory-entity-changed.v1.ts).
 */

/** The days of `openingHours`, Monday first: ISO weekday = index + 1, as in a branch's `workingDays`. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes since midnight of an `HH:mm` time ('24:00' = 1440, the end of the day). */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const opens = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:mm, e.g. 09:00');
const closes = () =>
  z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time as HH:mm, e.g. 18:30 (24:00: midnight)');

const interval = () => z.strictObject({ opens: opens(), closes: closes() });
type Interval = z.infer<ReturnType<typeof interval>>;

/** At most eight intervals, in order, each opening before it closes and after the one before closed. */
function checkDay(intervals: Interval[], ctx: z.RefinementCtx): void {
  if (intervals.length > 8) ctx.addIssue({ code: 'custom', message: 'at most 8 intervals a day' });
  intervals.forEach((interval, i) => {
    if (minutesOf(interval.opens) >= minutesOf(interval.closes))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'closes'],
        message: `closes (${interval.closes}) must be after opens (${interval.opens})`,
      });
    const before = intervals[i - 1];
    if (before && minutesOf(interval.opens) < minutesOf(before.closes))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'opens'],
        message: `opens (${interval.opens}) before the interval before it closes (${before.closes}): list a day's intervals in order, without overlaps`,
      });
  });
}

/**
 * One day's opening hours: intervals in order, none overlapping (a lunch break is two intervals);
 * empty: closed that day. The order is checked after the pipe, so the JSON Schema is the plain
 * array written out in place (a check on the array itself would make its items a `$ref`).
 */
export const dayHoursV1 = () => z.array(interval()).pipe(z.custom<Interval[]>().superRefine(checkDay));

/** Opening hours per weekday in the branch's time zone; every day present, `[]` = closed. */
export const openingHoursV1 = () =>
  z.strictObject({
    mon: dayHoursV1(),
    tue: dayHoursV1(),
    wed: dayHoursV1(),
    thu: dayHoursV1(),
    fri: dayHoursV1(),
    sat: dayHoursV1(),
    sun: dayHoursV1(),
  });
export type OpeningHoursV1 = z.infer<ReturnType<typeof openingHoursV1>>;

/** A postal address the agent can read out. */
export const addressV1 = () =>
  z.strictObject({
    /** street and house number, e.g. Marktstraße 12 */
    street: z.string().min(1).max(120),
    postalCode: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, 'a postal code: letters, digits, spaces or dashes, e.g. 50667'),
    city: z.string().min(1).max(80),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. DE'),
  });
export type AddressV1 = z.infer<ReturnType<typeof addressV1>>;

/** A BCP 47 tag with its region, as Retell names an agent's language: de-DE, en-US, en-GB, es-419. */
export const languageTagV1 = () =>
  z.string().regex(/^[a-z]{2,3}-([A-Z]{2}|\d{3})$/, 'a BCP 47 language tag with region, e.g. de-DE, en-US');

/** A Retell agent id as Retell issues them: `agent_` and letters or digits. */
export const retellAgentIdV1 = () =>
  z.string().regex(/^agent_[A-Za-z0-9]{8,64}$/, 'a Retell agent id: agent_ followed by letters or digits');

/** The Retell agent (and version; absent: its current one) that answers the branch's calls instead of the number's own. */
export const agentOverrideV1 = () =>
  z.strictObject({
    agentId: retellAgentIdV1(),
    agentVersion: z.number().int().nonnegative().optional(),
  });
export type AgentOverrideV1 = z.infer<ReturnType<typeof agentOverrideV1>>;

/** What the agent calls the business on the phone, e.g. "Salon Haarmonie am Markt". */
export const greetingNameV1 = () => z.string().min(1).max(80);

/** A branch's profile with every field present, as call-processor writes it. */
export interface BranchProfileV1 {
  address: AddressV1 | null;
  openingHours: OpeningHoursV1 | null;
  language: string;
  agentOverride: AgentOverrideV1 | null;
  greetingName: string | null;
}

/**
 * A description for the generated docs, kept on the schema itself: `.describe()` makes a copy
 * whose JSON Schema is an `allOf` around a `$ref` to the original, which the registry's BACKWARD
 * check can refuse.
 */
function described<T extends z.ZodType>(schema: T, description: string): T {
  z.globalRegistry.add(schema as z.ZodType, { description });
  return schema;
}

/** The profile's fields of the branch event: each optional, since events from before them lack them. */
export const branchProfileFieldsV1 = () => ({
  address: described(addressV1().nullable().optional(), 'where the branch is; null: not given (absent on old events)'),
  openingHours: described(
    openingHoursV1().nullable().optional(),
    'per weekday in the branch time zone, [] = closed; null: not given (absent on old events)',
  ),
  language: described(
    languageTagV1().optional(),
    'the language the agent speaks at this branch (absent on old events: de-DE)',
  ),
  agentOverride: described(
    agentOverrideV1().nullable().optional(),
    "the Retell agent for this branch's calls; null: the number's own (absent on old events: null)",
  ),
  greetingName: described(
    greetingNameV1().nullable().optional(),
    'the name the agent greets with; null: the branch name (absent on old events: null)',
  ),
});
