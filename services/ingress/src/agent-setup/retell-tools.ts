import { z } from 'zod';
import { CheckAvailabilityToolArgsSchema } from '@rb/contracts';
import { BRANCH_ARGUMENT } from '../functions/answer-function-call';

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
}

/** The tools of part 1 of the live call; booking, moving and cancelling join them in part 2. */
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
    timeoutMs: 8_000,
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
      parameters: mode === 'args_only' ? withBranchArgument(toolParameters(tool.args)) : toolParameters(tool.args),
      args_at_root: mode === 'args_only',
      timeout_ms: tool.timeoutMs,
      // every tool answers the same question the same way: safe to retry once
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

/**
 * Args-only requests carry no call, so the tenant rides in the signed body: a required `branch_id`
 * fixed with `const: "{{branch_id}}"`, which Retell fills per call from the variables our
 * call_inbound answer set (NOTES §5.1). Not in the URL: the signature covers only the body.
 */
function withBranchArgument(parameters: Record<string, unknown>): Record<string, unknown> {
  const { properties, required } = parameters as { properties: Record<string, unknown>; required?: string[] };
  return {
    ...parameters,
    properties: {
      ...properties,
      [BRANCH_ARGUMENT]: {
        type: 'string',
        const: '{{branch_id}}',
        description: 'the branch of this call; always exactly {{branch_id}}',
      },
    },
    required: [...(required ?? []), BRANCH_ARGUMENT],
  };
}
