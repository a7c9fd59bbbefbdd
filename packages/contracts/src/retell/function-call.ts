import { z } from 'zod';
import { RetellCallSchema } from './call';

/** Custom-function (tool) arguments: a JSON object whose shape the agent's tool definition fixes. */
export const FunctionArgsSchema = z.record(z.string(), z.unknown());

/** Default mode: `{ name, args, call }` with the live call (NOTES §5.2). */
export const FunctionCallRequestSchema = z.looseObject({
  name: z.string().min(1).max(64),
  args: FunctionArgsSchema,
  call: RetellCallSchema,
});
export type FunctionCallRequest = z.infer<typeof FunctionCallRequestSchema>;

/** "Payload: args only" (`args_at_root`): the body is the bare args object; route by URL. */
export const FunctionCallArgsOnlyRequestSchema = FunctionArgsSchema;
export type FunctionCallArgsOnlyRequest = z.infer<typeof FunctionCallArgsOnlyRequestSchema>;

/*
 * Our booking tool set (NOTES §5.4). Argument names are German because the agent speaks German;
 * the answers carry a pre-formatted `gesprochen` string so the LLM never reads ISO times aloud.
 * Errors are 2xx answers with `ok: false` and a hint for the agent (NOTES §5.3).
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const isoDateTimeWithOffset = z.iso.datetime({ offset: true });

export const CheckAvailabilityArgsSchema = z.looseObject({
  dienstleistung: z.string().min(1).describe('the service the caller wants, one of {{services}}'),
  mitarbeiterin: z.string().nullish().describe('the staff member the caller asked for, if any'),
  mitarbeiter: z.string().nullish().describe('the staff member the caller asked for, if any'),
  datum_von: isoDate.describe('first day to look at, YYYY-MM-DD in the branch time zone'),
  datum_bis: isoDate.describe('last day to look at (inclusive), YYYY-MM-DD; the same as datum_von for one day'),
  tageszeit: z
    .enum(['vormittag', 'nachmittag'])
    .nullish()
    .describe('only mornings or only afternoons, if the caller said so'),
});

export const BookAppointmentArgsSchema = z.looseObject({
  slot_id: z.string().min(1),
  kunde_name: z.string().min(1),
  telefon: z.string().nullish(),
  dienstleistung: z.string().min(1),
  notiz: z.string().nullish(),
});

export const CancelAppointmentArgsSchema = z.looseObject({
  booking_id: z.string().min(1),
  grund: z.string().nullish(),
});

export const CheckAvailabilityResponseSchema = z.looseObject({
  ok: z.literal(true),
  zeitzone: z.string(),
  freie_termine: z.array(
    z.looseObject({
      slot_id: z.string(),
      beginn: isoDateTimeWithOffset,
      ende: isoDateTimeWithOffset.nullish(),
      mitarbeiterin: z.string().nullish(),
      gesprochen: z.string(),
    }),
  ),
  hinweis_fuer_agent: z.string().nullish(),
});

export const BookAppointmentResponseSchema = z.looseObject({
  ok: z.literal(true),
  status: z.literal('confirmed'),
  booking_id: z.string(),
  beginn: isoDateTimeWithOffset,
  gesprochen: z.string(),
});

export const FunctionErrorResponseSchema = z.looseObject({
  ok: z.literal(false),
  fehler: z.string(),
  hinweis_fuer_agent: z.string(),
});
