import type { CallInboundRequest, CallInboundResponse } from '@rb/contracts';
import { CallInboundRequestSchema } from '@rb/contracts';
import { tagActiveSpan } from '@rb/observability';
import type { NumberRoute, Routing } from '../directory/routing-directory';
import { callIdOf, phoneOf } from '../functions/call-context';
import { verifyRetellSignature } from '../webhooks/verify-signature';
import { agentVariables, callMetadata } from './agent-variables';
import type { CallerLookup, CustomerNames } from './customer-names';
import { callerVariables } from './customer-names';
import type { CallerNumbers } from './redis-caller-numbers';

export type InboundOutcome =
  /** routed: the business's variables and ids; refused: Retell's reject answer (no agent takes it) */
  | {
      kind: 'answered';
      response: CallInboundResponse;
      routing: 'routed' | RefusalReason;
      repeated: boolean;
      caller?: CallerLookup;
    }
  | { kind: 'rejected'; reason: 'bad_signature' | 'malformed_json'; detail: string }
  | { kind: 'rejected'; reason: 'schema_violation'; issues: string[] }
  /** the directory is not read to its end yet: 503, Retell asks again (up to 3 more times in 10 s) */
  | { kind: 'not_ready' };

export type RefusalReason =
  'unknown_number' | 'inactive_number' | 'inactive_branch' | 'inactive_company' | 'incomplete';

export interface GivenAnswer {
  response: CallInboundResponse;
  routing: 'routed' | RefusalReason;
  /** what call-processor said about the caller (routed answers only) */
  caller?: CallerLookup;
}

/** Answers already given, by call_inbound.call_id: Retell's retry gets the same one. */
export interface AnswerMemory {
  recall(callId: string): Promise<GivenAnswer | undefined>;
  remember(callId: string, answer: GivenAnswer): Promise<void>;
}

export interface AnswerCallInboundDeps {
  apiKey: string;
  signatureToleranceMs: number;
  directory: { caughtUp: boolean; route(dialled: string): Routing };
  answers: AnswerMemory;
  /** the number each routed call came from, by its id: what args-only booking tools trust as the caller */
  callers: Pick<CallerNumbers, 'remember'>;
  /** is the caller a known customer of the company, and by which name (within its own budget) */
  customers: CustomerNames;
  /** records the ring on the Retell events topic once answered; never delays the answer */
  recordRing: (rawBody: Buffer, request: CallInboundRequest) => void;
  clock: () => number;
}

export const REJECT_CALL: CallInboundResponse = { call_inbound: {} };

/**
 * Retell's inbound webhook (NOTES §2): which business the dialled number belongs to and what its
 * agent should know, from ingress's own read model of the directory, with no call to another
 * service. An unknown or inactive number gets Retell's reject answer; a retry of the same
 * call_inbound.call_id gets the answer given first.
 */
export function makeAnswerCallInbound(deps: AnswerCallInboundDeps) {
  return async function answerCallInbound(rawBody: Buffer, signature: string | undefined): Promise<InboundOutcome> {
    const check = verifyRetellSignature(rawBody, signature, deps.apiKey, deps.clock(), deps.signatureToleranceMs);
    if (check.kind === 'invalid') return { kind: 'rejected', reason: 'bad_signature', detail: check.reason };
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { kind: 'rejected', reason: 'malformed_json', detail: 'the body is not JSON' };
    }
    const parsed = CallInboundRequestSchema.safeParse(json);
    if (!parsed.success)
      return {
        kind: 'rejected',
        reason: 'schema_violation',
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      };
    const callId = parsed.data.call_inbound.call_id ?? undefined;
    const knownCall = callIdOf(callId);
    if (knownCall) tagActiveSpan({ 'rb.call_id': knownCall });
    const { from_number: caller, to_number: dialled } = parsed.data.call_inbound;
    // Retell asserts from_number in this signed body; args-only tools later name only the call id
    const rememberCaller = async (routing: GivenAnswer['routing']) => {
      const id = callIdOf(callId);
      const phone = phoneOf(caller);
      if (routing === 'routed' && id && phone) await deps.callers.remember(id, phone);
    };
    const earlier = callId ? await deps.answers.recall(callId) : undefined;
    if (earlier) {
      await rememberCaller(earlier.routing);
      return { kind: 'answered', ...earlier, repeated: true };
    }
    if (!deps.directory.caughtUp) return { kind: 'not_ready' };
    const routing = deps.directory.route(dialled);
    const lookup =
      routing.kind === 'routed' ? await deps.customers.lookUp(routing.route.company.id, caller) : undefined;
    const answer: GivenAnswer = {
      ...answerFor(routing, new Date(deps.clock()), lookup),
      ...(lookup ? { caller: lookup } : {}),
    };
    await Promise.all([callId ? deps.answers.remember(callId, answer) : undefined, rememberCaller(answer.routing)]);
    deps.recordRing(rawBody, parsed.data);
    return { kind: 'answered', ...answer, repeated: false };
  };
}

/** The branch's own Retell agent (and version), where it has one; otherwise the number's agent answers. */
function agentOf(
  route: NumberRoute,
): Pick<CallInboundResponse['call_inbound'], 'override_agent_id' | 'override_agent_version'> {
  const override = route.branch.agentOverride;
  if (!override) return {};
  return {
    override_agent_id: override.agentId,
    ...(override.agentVersion !== undefined ? { override_agent_version: override.agentVersion } : {}),
  };
}

function answerFor(routing: Routing, now: Date, caller: CallerLookup | undefined): GivenAnswer {
  switch (routing.kind) {
    case 'routed':
      return {
        response: {
          call_inbound: {
            ...agentOf(routing.route),
            dynamic_variables: {
              ...agentVariables(routing.route, now),
              ...callerVariables(caller ?? { kind: 'no_answer', why: 'not_configured' }),
            },
            metadata: callMetadata(routing.route),
          },
        },
        routing: 'routed',
      };
    case 'inactive':
      return { response: REJECT_CALL, routing: `inactive_${routing.what}` };
    case 'unknown_number':
    case 'incomplete':
      return { response: REJECT_CALL, routing: routing.kind };
  }
}
