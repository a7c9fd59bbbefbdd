import type { KnownRetellWebhookEvent, RetellWebhookEnvelope } from '@rb/contracts';
import {
  isKnownRetellEventType,
  KnownRetellWebhookEventSchema,
  retellEventId,
  RetellWebhookEnvelopeSchema,
} from '@rb/contracts';
import type { z } from 'zod';
import type { CompiledRetellContract } from './compiled-contract';
import { compileRetellContract } from './compiled-contract';

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * What a webhook body is, before anything is stored:
 * - `known`: an event type the contracts describe, fully valid;
 * - `unknown`: an event type the contracts do not know yet but with the envelope (`event`,
 *   `call.call_id`): stored as-is, since refusing it would only make Retell retry;
 * - `malformed_json` / `schema_violation`: the client's fault, answered 400 with the fields.
 */
export type ParsedWebhook =
  | { kind: 'known'; body: KnownRetellWebhookEvent }
  | { kind: 'unknown'; body: RetellWebhookEnvelope }
  | { kind: 'malformed_json'; message: string }
  | { kind: 'schema_violation'; issues: FieldIssue[] };

export function parseWebhook(rawBody: Buffer, contract: CompiledRetellContract = retellContract()): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    return { kind: 'malformed_json', message: (error as Error).message };
  }
  // the compiled contract accepts in place; zod (the contract itself) has the last word and names
  // the failing fields when the compiled one refuses
  const event = (json as { event?: unknown } | null)?.event;
  if (typeof event === 'string' && isKnownRetellEventType(event)) {
    if (contract.known(event, json)) return { kind: 'known', body: json as KnownRetellWebhookEvent };
    const known = KnownRetellWebhookEventSchema.safeParse(json);
    if (!known.success) return { kind: 'schema_violation', issues: toFieldIssues(known.error) };
    return { kind: 'known', body: known.data };
  }
  if (contract.envelope(json)) return { kind: 'unknown', body: json as RetellWebhookEnvelope };
  const envelope = RetellWebhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'schema_violation', issues: toFieldIssues(envelope.error) };
  return { kind: 'unknown', body: envelope.data };
}

let compiled: CompiledRetellContract | undefined;
/** Compiled on first use and kept: compiling costs milliseconds, checking microseconds. */
export function retellContract(): CompiledRetellContract {
  return (compiled ??= compileRetellContract());
}

const MAX_ISSUES = 20;

function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/**
 * The business's own number: the tenant proxy for rate limiting until the directory exists. For
 * inbound calls the dialled number, for outbound calls the number we call from; web calls have
 * no number, so the agent stands in.
 */
export function businessKey(body: RetellWebhookEnvelope): string {
  const call = body.call as { direction?: unknown; from_number?: unknown; to_number?: unknown; agent_id?: unknown };
  const number = call.direction === 'outbound' ? call.from_number : call.to_number;
  if (typeof number === 'string' && number.length > 0) return `number:${number}`;
  return `agent:${typeof call.agent_id === 'string' ? call.agent_id : 'none'}`;
}

/** The few facts about a valid webhook that storing it needs; the body's bytes travel as they came. */
export interface WebhookFacts {
  event: string;
  known: boolean;
  callId: string;
  eventId: string;
  businessKey: string;
}

export type InspectedWebhook =
  { kind: 'valid'; facts: WebhookFacts } | Extract<ParsedWebhook, { kind: 'malformed_json' | 'schema_violation' }>;

/**
 * Parses, validates and reduces the body to its facts in one synchronous step, so the parsed
 * object graph (a call_ended with word timings is thousands of objects) dies young instead of
 * being kept alive, and promoted, while the webhook waits for Redis and the broker.
 */
export function inspectWebhook(rawBody: Buffer): InspectedWebhook {
  const parsed = parseWebhook(rawBody);
  if (parsed.kind === 'malformed_json' || parsed.kind === 'schema_violation') return parsed;
  const { body } = parsed;
  return {
    kind: 'valid',
    facts: {
      event: body.event,
      known: parsed.kind === 'known',
      callId: body.call.call_id,
      eventId: retellEventId(body, rawBody),
      businessKey: businessKey(body),
    },
  };
}
