import { z } from 'zod';
import { FunctionArgsSchema } from '@rb/contracts';
import { tagActiveSpan } from '@rb/observability';
import type { BranchRoute, BranchRouting } from '../directory/routing-directory';
import { spokenLanguageOf } from '../inbound/agent-variables';
import type { SpokenLanguage } from '../inbound/agent-variables';
import { verifyRetellSignature } from '../webhooks/verify-signature';
import type { FunctionProblem } from './agent-hints';
import { problemAnswer } from './agent-hints';
import type { FunctionAnswer } from './function-answer';
import type { CallContext, CallerCheck } from './call-context';
import { argsOnlyCallContext, CALL_ARGUMENTS, defaultCallContext, verifiedCaller } from './call-context';
import type { CallerNumbers } from '../inbound/redis-caller-numbers';

/** The custom functions ingress answers during a live call. */
export const FUNCTION_NAMES = [
  'check_availability',
  'book_appointment',
  'reschedule_appointment',
  'cancel_appointment',
  'find_appointments',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
const isFunctionName = (name: string): name is FunctionName => (FUNCTION_NAMES as readonly string[]).includes(name);
/** A requested function's name as a label: one of ours, else `unknown` (never what the URL said). */
export const functionNameOf = (name: string): FunctionName | 'unknown' => (isFunctionName(name) ? name : 'unknown');
/** the functions that act on the caller's own bookings (or book under the caller), so need the caller's number */
const NEEDS_CALLER: ReadonlySet<FunctionName> = new Set([
  'book_appointment',
  'reschedule_appointment',
  'cancel_appointment',
  'find_appointments',
]);

export interface FunctionCallRequest {
  /** from the URL: /webhooks/retell/functions/:name */
  name: string;
  rawBody: Buffer;
  signature: string | undefined;
  /**
   * args-only tools set up the old way: the branch from `?branch_id=` or the `X-Branch-Id` header.
   * Not signed: accepted only for an args-only body, and only when it names the body's `branch_id`
   * too, if the body has one.
   */
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
  functions: Record<
    FunctionName,
    (route: BranchRoute, args: Record<string, unknown>, call: CallContext) => Promise<FunctionAnswer>
  >;
  /** the number call_inbound recorded per call id: the only caller number args-only requests get */
  callers: Pick<CallerNumbers, 'recall'>;
  /** how an args-only request's caller was settled (no number, no call id: safe to count and log) */
  onCallerCheck?: (check: CallerCheck) => void;
}

/** The argument that names the tenant in args-only mode, fixed in the tool definition to `{{branch_id}}`. */
export const BRANCH_ARGUMENT = 'branch_id';

/** What call_inbound put into the call's metadata (agent-variables.ts `callMetadata`). */
const TenantMetadataSchema = z.looseObject({
  companyId: z.string().max(64),
  branchId: z.string().max(64),
  phoneNumberId: z.string().max(64).optional().catch(undefined),
});

/**
 * Retell's custom-function requests during a live call (NOTES §5), signed like every webhook.
 * Two payload modes, both accepted on `POST /webhooks/retell/functions/<name>`:
 * - default: the body is `{ name, args, call }`; the tenant is `call.metadata.{companyId, branchId}`,
 *   which ingress's call_inbound answer gave the call;
 * - "Payload: args only" (`args_at_root`): the body is the bare args object with a `branch_id`
 *   argument the tool definition fixes to `{{branch_id}}`, the dynamic variable call_inbound set
 *   (tools set up before name it in the URL or a header instead; `readPayload` has the rule).
 * Only a bad signature is refused (401); everything else is an answer with `ok` and a hint.
 */
export function makeAnswerFunctionCall(deps: AnswerFunctionCallDeps) {
  return async function answerFunctionCall(request: FunctionCallRequest): Promise<FunctionCallOutcome> {
    const name = functionNameOf(request.name);
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
    if (payload === 'malformed_request') return refuse(payload);
    if (payload.call.callId) tagActiveSpan({ 'rb.call_id': payload.call.callId });
    const tenant = findTenant(payload, deps.directory);
    const language = tenant.kind === 'found' ? spokenLanguageOf(tenant.route.branch.language) : undefined;
    if (name === 'unknown') return refuse('unknown_function', language);
    if (tenant.kind !== 'found') return refuse(tenant.problem);
    const call = await callOf(payload, name);
    return { kind: 'answered', name, ...(await deps.functions[name](tenant.route, payload.args, call)) };
  };

  /** args only: the caller's number from call_inbound's record of the call, compared with the argument */
  async function callOf(payload: Payload, name: FunctionName): Promise<CallContext> {
    if (payload.mode !== 'args_only' || !NEEDS_CALLER.has(name)) return payload.call;
    const recorded = payload.call.callId ? await deps.callers.recall(payload.call.callId) : undefined;
    const { callerPhone, check } = verifiedCaller(recorded, payload.claimedCaller);
    deps.onCallerCheck?.(check);
    return { ...payload.call, callerPhone };
  }
}

interface Payload {
  /** default: Retell wrote `call`; args only: the LLM wrote the whole body */
  mode: 'default' | 'args_only';
  args: Record<string, unknown>;
  /** who is calling, in which call: what booking commands need besides the tenant */
  call: CallContext;
  /** args only: the `anrufer_nummer` argument, compared with call_inbound's record, never trusted */
  claimedCaller?: unknown;
  companyId?: string;
  branchId?: string;
  /** the body names a branch that cannot be used: not text, or not the URL's */
  refused?: Extract<FunctionProblem, 'unknown_tenant' | 'tenant_mismatch'>;
}

/**
 * The args and the tenant ids, in either payload mode, by one rule. Retell signs the body; the URL
 * and headers are not signed, and in args-only mode the LLM writes the body's fields.
 * - A branch in the URL or header (tools set up the old way) or a `branch_id` at the top of the
 *   body: args only. The body is the arguments and never `{name, args, call}`, so no `call.metadata`
 *   an LLM was talked into writing can name another company. The tenant is the body's `branch_id`
 *   (fixed by the tool definition with `const: "{{branch_id}}"`), else the URL's; when both are
 *   there they must be the same branch (`tenant_mismatch`).
 * - Otherwise a body with `name`, `args` and `call` is the default mode: the tenant is
 *   `call.metadata`, which Retell sends and our call_inbound answer set.
 * - Anything else is args only without a tenant (`missing_tenant`).
 * The call context (call id, caller's number) comes by the same rule: `call.call_id` and
 * `call.from_number` in the default mode (Retell writes `call`); in args only the `call_id`
 * argument (const `{{call_id}}`) names the call, and the caller's number is the one call_inbound
 * recorded for that call id (`callOf`), the `anrufer_nummer` argument (const `{{user_number}}`)
 * only compared with it. Both are taken out of the args.
 */
function readPayload(rawBody: Buffer, branchInUrl: string | undefined): Payload | 'malformed_request' {
  const body = readJsonObject(rawBody);
  if (!body) return 'malformed_request';
  const { [BRANCH_ARGUMENT]: branchInBody, ...rest } = body;
  if (branchInBody !== undefined) {
    const payload = argsOnly(rest);
    const branchId = typeof branchInBody === 'string' ? branchInBody.trim() : '';
    if (!branchId) return { ...payload, refused: 'unknown_tenant' };
    if (branchInUrl !== undefined && branchInUrl !== branchId) return { ...payload, refused: 'tenant_mismatch' };
    return { ...payload, branchId };
  }
  if (branchInUrl !== undefined) return { ...argsOnly(body), branchId: branchInUrl };
  const { name, args: defaultArgs, call } = body;
  if (typeof name !== 'string' || !isObject(defaultArgs) || !isObject(call)) return argsOnly(body);
  const context = defaultCallContext(call);
  const metadata = TenantMetadataSchema.safeParse(call.metadata);
  if (!metadata.success) return { mode: 'default', args: defaultArgs, call: context };
  const { companyId, branchId, phoneNumberId } = metadata.data;
  return { mode: 'default', args: defaultArgs, call: { ...context, phoneNumberId }, companyId, branchId };
}

/** Args only: the call's id and the caller's claimed number are arguments fixed by the tool (`{{call_id}}`, `{{user_number}}`). */
function argsOnly(body: Record<string, unknown>): Pick<Payload, 'mode' | 'args' | 'call' | 'claimedCaller'> {
  const { [CALL_ARGUMENTS.callId]: callId, [CALL_ARGUMENTS.callerPhone]: claimedCaller, ...args } = body;
  return { mode: 'args_only', args, call: argsOnlyCallContext(callId), claimedCaller };
}

/** The body as a JSON object; undefined when it is not JSON or not an object. */
function readJsonObject(rawBody: Buffer): Record<string, unknown> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const body = FunctionArgsSchema.safeParse(json);
  return body.success ? body.data : undefined;
}

type Tenant = { kind: 'found'; route: BranchRoute } | { kind: 'not_found'; problem: FunctionProblem };

function findTenant(payload: Payload, directory: AnswerFunctionCallDeps['directory']): Tenant {
  if (payload.refused) return { kind: 'not_found', problem: payload.refused };
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
