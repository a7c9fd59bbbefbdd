import { z } from 'zod';
import { CheckAvailabilityToolArgsSchema } from '@rb/contracts';
import { BRANCH_ARGUMENT } from '../functions/answer-function-call';
import { CALL_ARGUMENTS } from '../functions/call-context';
import {
  BookAppointmentToolArgsSchema,
  CancelAppointmentToolArgsSchema,
  FindAppointmentsToolArgsSchema,
  RescheduleAppointmentToolArgsSchema,
} from '../functions/command-args';
import { TOOL_TIMEOUT_MS } from '../functions/tool-timeout';

/** How Retell sends a tool's arguments (NOTES §5.2): `{name, args, call}`, or the bare args ("Payload: args only"). */
export type PayloadMode = 'default' | 'args_only';

/** A Retell custom tool (`type: "custom"` in the agent's `general_tools`), as its API and dashboard take it. */
export interface RetellCustomTool {
  type: 'custom';
  name: string;
  description: string;
  url: string;
  method: 'POST';
  parameters: Record<string, unknown>;
  args_at_root: boolean;
  timeout_ms: number;
  max_retry: number;
  speak_during_execution: boolean;
  execution_message_description: string;
  execution_message_type: 'static_text' | 'prompt';
  speak_after_execution: boolean;
}

export interface AgentSetup {
  /** the phone number's `inbound_webhook_url` (call_inbound) */
  inbound_webhook_url: string;
  /** the agent's `webhook_url` (call events after the fact) */
  webhook_url: string;
  general_tools: RetellCustomTool[];
}

export const FUNCTIONS_ROUTE = '/webhooks/retell/functions';

interface ToolSpec {
  name: string;
  description: string;
  args: z.ZodObject;
  /** the caller hears this while we look (anything that may take over a second) */
  whileWaiting: string;
  timeoutMs: number;
  /** args only: the call's id and the caller's number ride in the body too (what booking commands need) */
  needsCall: boolean;
}

const ON_FAILURE = 'If `ok` is false, say what `hinweis_fuer_agent` suggests.';

/** The tools of the live call: finding times, then booking, finding, moving and cancelling appointments. */
const TOOLS: ToolSpec[] = [
  {
    name: 'check_availability',
    description:
      'Find free appointment times. Call it before offering any time. ' +
      'Pass days as YYYY-MM-DD where you can (today is {{today_iso}}, time zone {{time_zone}}); the caller’s own words ' +
      '("nächsten Dienstag nachmittags", "so bald wie möglich") are understood too, in datum_von or wann. ' +
      'Leave tageszeit out unless the caller named a part of the day. ' +
      'Read out `gesprochen`, never the ISO times; keep `slot_id` to book the chosen time. ' +
      'If `ok` is false, say what `hinweis_fuer_agent` suggests.',
    args: CheckAvailabilityToolArgsSchema,
    whileWaiting: 'Einen Moment, ich schaue kurz in den Kalender.',
    // booking answers within its own deadline (2.5 s); Retell's default of 2 minutes is silence
    timeoutMs: TOOL_TIMEOUT_MS,
    needsCall: false,
  },
  {
    name: 'book_appointment',
    description:
      'Book the time the caller chose, after repeating it and the name back to them. Pass the `slot_id` from ' +
      'check_availability unchanged. Read out `gesprochen` and the booking number as `hinweis_fuer_agent` says. ' +
      'If `status` is "in_bearbeitung", say exactly what `hinweis_fuer_agent` says and promise nothing more. ' +
      'If the time was taken, offer the `alternativen`. ' +
      ON_FAILURE,
    args: BookAppointmentToolArgsSchema,
    whileWaiting: 'Einen Moment, ich trage den Termin ein.',
    // ingress answers within COMMAND_DEADLINE_MS (5 s), "being entered" after it
    timeoutMs: TOOL_TIMEOUT_MS,
    needsCall: true,
  },
  {
    name: 'reschedule_appointment',
    description:
      'Move one of the caller’s appointments to a new time: the booking number, and the new time as a `slot_id` from ' +
      'check_availability or in the caller’s words. If you get `freie_termine` back, nothing is moved yet: offer them ' +
      'and call again with the chosen `slot_id`. ' +
      ON_FAILURE,
    args: RescheduleAppointmentToolArgsSchema,
    whileWaiting: 'Einen Moment, ich verlege den Termin.',
    timeoutMs: TOOL_TIMEOUT_MS,
    needsCall: true,
  },
  {
    name: 'cancel_appointment',
    description:
      'Cancel one of the caller’s appointments by its booking number, after the caller confirmed which one. ' +
      ON_FAILURE,
    args: CancelAppointmentToolArgsSchema,
    whileWaiting: 'Einen Moment, ich sage den Termin ab.',
    timeoutMs: TOOL_TIMEOUT_MS,
    needsCall: true,
  },
  {
    name: 'find_appointments',
    description:
      'List the caller’s upcoming appointments here (found by the number they call from), with their booking ' +
      'numbers, before moving or cancelling one. ' +
      ON_FAILURE,
    args: FindAppointmentsToolArgsSchema,
    whileWaiting: 'Einen Moment, ich sehe nach Ihren Terminen.',
    timeoutMs: TOOL_TIMEOUT_MS,
    needsCall: true,
  },
];

/**
 * The Retell side of connecting an agent to this system, for a public base URL: the number's
 * inbound webhook, the call-event webhook, and each custom tool with its JSON Schema parameters
 * generated from the contracts (the same zod schemas ingress reads the arguments with).
 */
export function retellAgentSetup(baseUrl: string, mode: PayloadMode = 'default'): AgentSetup {
  const base = new URL(baseUrl);
  if (base.protocol !== 'https:' && base.hostname !== '127.0.0.1' && base.hostname !== 'localhost')
    throw new Error(`Retell calls the tools over the internet: the base URL must be https (got ${base.protocol})`);
  const at = (path: string) => new URL(path, base).toString();
  return {
    inbound_webhook_url: at('/webhooks/retell/inbound'),
    webhook_url: at('/webhooks/retell'),
    general_tools: TOOLS.map((tool) => ({
      type: 'custom',
      name: tool.name,
      description: tool.description,
      url: at(`${FUNCTIONS_ROUTE}/${tool.name}`),
      method: 'POST',
      parameters:
        mode === 'args_only'
          ? withConstArguments(toolParameters(tool.args), tool.needsCall ? ARGS_ONLY_CALL_CONSTS : BRANCH_CONST)
          : toolParameters(tool.args),
      args_at_root: mode === 'args_only',
      timeout_ms: tool.timeoutMs,
      // safe to retry once: a question gets the same answer, a command the same idempotency key
      // (the same call, slot or booking) and so the same one effect
      max_retry: 1,
      speak_during_execution: true,
      execution_message_description: tool.whileWaiting,
      execution_message_type: 'static_text',
      speak_after_execution: true,
    })),
  };
}

/** JSON Schema of a tool's arguments as Retell wants it: an object at the top, no `$schema`, no extra keys. */
export function toolParameters(args: z.ZodObject): Record<string, unknown> {
  const {
    $schema: _ignored,
    additionalProperties: _open,
    ...schema
  } = z.toJSONSchema(args, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return schema;
}

interface ConstArgument {
  name: string;
  variable: string;
  description: string;
}

/** the tenant: a `{{branch_id}}` our call_inbound answer set */
const BRANCH_CONST: ConstArgument[] = [
  {
    name: BRANCH_ARGUMENT,
    variable: '{{branch_id}}',
    description: 'the branch of this call; always exactly {{branch_id}}',
  },
];

/** the tenant, the call and the caller: Retell's system variables `{{call_id}}` and `{{user_number}}` */
const ARGS_ONLY_CALL_CONSTS: ConstArgument[] = [
  ...BRANCH_CONST,
  { name: CALL_ARGUMENTS.callId, variable: '{{call_id}}', description: 'this call; always exactly {{call_id}}' },
  {
    name: CALL_ARGUMENTS.callerPhone,
    variable: '{{user_number}}',
    // compared with the number call_inbound recorded for the call; another number means no caller
    description: 'the number the caller calls from; always exactly {{user_number}}, never another number',
  },
];

/**
 * Args-only requests carry no call, so the tenant (and for the booking tools the call's id and the
 * caller's number) ride in the signed body: required arguments fixed with `const: "{{…}}"`, which
 * Retell fills per call (NOTES §5.1). Not in the URL: the signature covers only the body.
 */
function withConstArguments(parameters: Record<string, unknown>, consts: ConstArgument[]): Record<string, unknown> {
  const { properties, required } = parameters as { properties: Record<string, unknown>; required?: string[] };
  return {
    ...parameters,
    properties: {
      ...properties,
      ...Object.fromEntries(
        consts.map((c) => [c.name, { type: 'string', const: c.variable, description: c.description }]),
      ),
    },
    required: [...(required ?? []), ...consts.map((c) => c.name)],
  };
}
