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

/**
 * "Payload: args only" (`args_at_root`): the body is the bare args object; route by URL. The LLM
 * writes these arguments, so the tenant is a `branch_id` argument the tool definition fixes with
 * `const: "{{branch_id}}"` (filled by Retell, inside the signed body), never a field the LLM could
 * shape like a default-mode body.
 */
export const FunctionCallArgsOnlyRequestSchema = FunctionArgsSchema;
export type FunctionCallArgsOnlyRequest = z.infer<typeof FunctionCallArgsOnlyRequestSchema>;

/*
 * Our booking tool set (NOTES §5.4). Argument names are German because the agent speaks German;
 * the answers carry a pre-formatted `gesprochen` string so the LLM never reads ISO times aloud.
 * Errors are 2xx answers with `ok: false` and a hint for the agent (NOTES §5.3).
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const isoDateTimeWithOffset = z.iso.datetime({ offset: true });

/**
 * check_availability's arguments as the tool takes them: the one schema the tool definition Retell
 * shows the LLM is generated from (`pnpm retell:tools`) and ingress reads the arguments with.
 * ISO days are preferred (the prompt knows today's date), but the caller's own words are
 * understood too, by `@rb/german-dates`. Every optional argument may also be null (what LLMs pass
 * for "not said"); empty text counts as not said.
 */
export const CheckAvailabilityToolArgsSchema = z.looseObject({
  dienstleistung: z
    .string()
    .describe('the service the caller wants: one of {{services}}, or the caller’s words for it ("Haare schneiden")'),
  wann: z
    .string()
    .nullish()
    .describe(
      'when the caller wants to come, in the caller’s words ("nächsten Dienstag nachmittags", "morgen um halb drei", ' +
        '"so bald wie möglich"); use it instead of datum_von and datum_bis when you did not turn the words into dates',
    ),
  datum_von: z
    .string()
    .nullish()
    .describe(
      'first day to look at: YYYY-MM-DD in the branch time zone (today is {{today_iso}}), or the caller’s words ' +
        '("nächsten Dienstag", "so bald wie möglich")',
    ),
  datum_bis: z
    .string()
    .nullish()
    .describe(
      'last day to look at (inclusive): YYYY-MM-DD, or the caller’s words; the same as datum_von, or left out, for one day',
    ),
  tageszeit: z
    .enum(['vormittag', 'nachmittag', 'abend', 'morning', 'afternoon', 'evening'])
    .nullish()
    .describe(
      'only this part of the day, if the caller said so: vormittag (8–12 Uhr), nachmittag (12–17 Uhr) or abend ' +
        '(17–20 Uhr); morning, afternoon and evening are the same in English',
    ),
  mitarbeiterin: z.string().nullish().describe('the staff member the caller asked for, if any'),
  mitarbeiter: z.string().nullish().describe('the staff member the caller asked for, if any (same as mitarbeiterin)'),
});
export type CheckAvailabilityToolArgs = z.infer<typeof CheckAvailabilityToolArgsSchema>;

/**
 * The strict shape of fixture 11's arguments (ISO days, two parts of the day): what a recorded
 * call holds. The tool itself takes more (`CheckAvailabilityToolArgsSchema`).
 */
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
