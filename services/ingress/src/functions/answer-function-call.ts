import { z } from 'zod';
import { FunctionArgsSchema } from '@rb/contracts';
import type { BranchRoute, BranchRouting } from '../directory/routing-directory';
import { spokenLanguageOf } from '../inbound/agent-variables';
import type { SpokenLanguage } from '../inbound/agent-variables';
import { verifyRetellSignature } from '../webhooks/verify-signature';
import type { FunctionProblem } from './agent-hints';
import { problemAnswer } from './agent-hints';
import type { FunctionAnswer } from './answer-check-availability';

/** The custom functions ingress answers (part 2 adds book, cancel, move). */
export const FUNCTION_NAMES = ['check_availability'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
const isFunctionName = (name: string): name is FunctionName => (FUNCTION_NAMES as readonly string[]).includes(name);

export interface FunctionCallRequest {
  /** from the URL: /webhooks/retell/functions/:name */
  name: string;
  rawBody: Buffer;
  signature: string | undefined;
  /** args-only mode: the branch from `?branch_id=` or the `X-Branch-Id` header ({{branch_id}} in the tool definition) */
  branchId: string | undefined;
}

export type FunctionCallOutcome =
  /** not Retell: 401, no hint */
  | { kind: 'rejected'; name: FunctionName | 'unknown'; reason: 'bad_signature'; detail: string }
  /** HTTP 200 whatever happened: the LLM can only use an answer it can read */
  | ({ kind: 'answered'; name: FunctionName | 'unknown' } & FunctionAnswer);

export interface AnswerFunctionCallDeps {
  apiKey: string;
  signatureToleranceMs: number;
  clock: () => number;
  directory: { caughtUp: boolean; branchRoute(branchId: string, companyId?: string): BranchRouting };
  functions: Record<FunctionName, (route: BranchRoute, args: Record<string, unknown>) => Promise<FunctionAnswer>>;
}

/** What call_inbound put into the call's metadata (agent-variables.ts `callMetadata`). */
const TenantMetadataSchema = z.looseObject({ companyId: z.string().max(64), branchId: z.string().max(64) });

/**
 * Retell's custom-function requests during a live call (NOTES §5), signed like every webhook.
 * Two payload modes, both accepted on `POST /webhooks/retell/functions/<name>`:
 * - default: the body is `{ name, args, call }`; the tenant is `call.metadata.{companyId, branchId}`,
 *   which ingress's call_inbound answer gave the call;
 * - "Payload: args only" (`args_at_root`): the body is the bare args object; the tool definition
 *   names the tenant in its URL (`?branch_id={{branch_id}}`) or a header (`X-Branch-Id: {{branch_id}}`),
 *   the dynamic variable call_inbound set.
 * Only a bad signature is refused (401); everything else is an answer with `ok` and a hint.
 */
export function makeAnswerFunctionCall(deps: AnswerFunctionCallDeps) {
  return async function answerFunctionCall(request: FunctionCallRequest): Promise<FunctionCallOutcome> {
    const name = isFunctionName(request.name) ? request.name : 'unknown';
    const check = verifyRetellSignature(
      request.rawBody,
      request.signature,
      deps.apiKey,
      deps.clock(),
      deps.signatureToleranceMs,
    );
    if (check.kind === 'invalid') return { kind: 'rejected', name, reason: 'bad_signature', detail: check.reason };
    const refuse = (problem: FunctionProblem, language: SpokenLanguage = 'de'): FunctionCallOutcome => ({
      kind: 'answered',
      name,
      outcome: problem,
      body: problemAnswer(problem, language, { said: request.name.slice(0, 64) }),
    });

    const payload = readPayload(request.rawBody, request.branchId);
    if (!payload) return refuse('malformed_request');
    const tenant = findTenant(payload, deps.directory);
    const language = tenant.kind === 'found' ? spokenLanguageOf(tenant.route.branch.language) : undefined;
    if (name === 'unknown') return refuse('unknown_function', language);
    if (tenant.kind !== 'found') return refuse(tenant.problem);
    return { kind: 'answered', name, ...(await deps.functions[name](tenant.route, payload.args)) };
  };
}

interface Payload {
  args: Record<string, unknown>;
  companyId?: string;
  branchId?: string;
}

/** The args and the tenant ids, in either payload mode; undefined when the body is no JSON object. */
function readPayload(rawBody: Buffer, branchIdGiven: string | undefined): Payload | undefined {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const body = FunctionArgsSchema.safeParse(json);
  if (!body.success) return undefined;
  const { name, args, call } = body.data;
  const defaultMode = typeof name === 'string' && isObject(args) && isObject(call);
  if (!defaultMode) return { args: body.data, ...(branchIdGiven ? { branchId: branchIdGiven } : {}) };
  const metadata = TenantMetadataSchema.safeParse(call.metadata);
  if (metadata.success) return { args, companyId: metadata.data.companyId, branchId: metadata.data.branchId };
  return { args, ...(branchIdGiven ? { branchId: branchIdGiven } : {}) };
}

type Tenant = { kind: 'found'; route: BranchRoute } | { kind: 'not_found'; problem: FunctionProblem };

function findTenant(payload: Payload, directory: AnswerFunctionCallDeps['directory']): Tenant {
  if (!payload.branchId) return { kind: 'not_found', problem: 'missing_tenant' };
  if (!directory.caughtUp) return { kind: 'not_found', problem: 'not_ready' };
  const routing = directory.branchRoute(payload.branchId, payload.companyId);
  switch (routing.kind) {
    case 'found':
      return routing;
    case 'inactive':
      return { kind: 'not_found', problem: 'inactive_tenant' };
    case 'unknown_branch':
    case 'incomplete':
      return { kind: 'not_found', problem: 'unknown_tenant' };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
