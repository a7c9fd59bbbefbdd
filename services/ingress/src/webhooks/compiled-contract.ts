import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { KnownRetellEventType } from '@rb/contracts';
import { KnownRetellWebhookEventSchema, RetellWebhookEnvelopeSchema, toRegistryJsonSchema } from '@rb/contracts';

/**
 * The zod contracts compiled once, at start-up, into Ajv validators of the JSON Schema generated
 * from them (the same schema the registry holds for the topic). They check a parsed body in place:
 * zod's parse copies the whole object graph, ~100 KB of garbage for an 18 KB call_ended, which
 * made it ingress's largest allocation. zod stays the contract: it explains a rejection, and
 * `compiled-contract.test.ts` shows both agree on the fixtures and on every field mutated.
 */
export interface CompiledRetellContract {
  /** true when the body is a valid event of this known type */
  known(event: KnownRetellEventType, body: unknown): boolean;
  /** true when the body has the envelope every Retell call event has (`event`, `call.call_id`) */
  envelope(body: unknown): boolean;
}

export function compileRetellContract(): CompiledRetellContract {
  // strictNumbers: JSON.parse turns 1e400 into Infinity, which zod refuses, so Ajv must too
  const ajv = new Ajv({ strict: false, strictNumbers: true, allErrors: false, validateSchema: false });
  addFormats(ajv);
  const compile = (schema: Parameters<typeof toRegistryJsonSchema>[0]): ValidateFunction =>
    ajv.compile(toRegistryJsonSchema(schema));
  // one validator for the union: the call object's definition is compiled once, not per event
  // type (8 copies cost ~8 MB of RSS); a branch whose `event` differs fails on its first check
  const known = compile(KnownRetellWebhookEventSchema);
  const envelope = compile(RetellWebhookEnvelopeSchema);
  return {
    known: (event, body) => (body as { event?: unknown } | null)?.event === event && known(body) === true,
    envelope: (body) => envelope(body) === true,
  };
}
