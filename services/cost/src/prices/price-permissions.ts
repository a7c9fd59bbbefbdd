import { randomUUID } from 'node:crypto';
import type { Caller } from '../access/caller';
import { isUuid } from '../access/company-scope';
import type { Plan } from '../costing/cost-inputs';
import { PLATFORM } from '../pricing/plans';

/** Who stored a plan or rate, as `created_by`: the operator, or the reseller and its token (never the token). */
export function createdBy(caller: Caller): string {
  return caller.kind === 'operator' ? 'operator' : `reseller:${caller.resellerId} token:${caller.tokenId}`;
}

/**
 * What a caller may do with a stored plan: the operator manages all; a reseller manages the plans it
 * sells, sees the platform's plans for it and the platform's default plans (what it may be paying),
 * and nothing else exists for it.
 */
export function permissionForPlan(caller: Caller, plan: Plan): 'manage' | 'see' | 'none' {
  if (caller.kind === 'operator' || plan.seller === caller.resellerId) return 'manage';
  const forIt =
    plan.buyer.kind === 'default' || (plan.buyer.kind === 'reseller' && plan.buyer.resellerId === caller.resellerId);
  return plan.seller === PLATFORM && forIt ? 'see' : 'none';
}

/**
 * A new plan's or rate's body validated by `validate`, with an id: the client's (a uuid, so a
 * retried POST cannot store it twice) or a fresh one. Every problem is named at once.
 */
export function validatedId<V extends { kind: 'valid' } | { kind: 'invalid'; problems: string[] }>(
  body: unknown,
  validate: (input: unknown) => V,
): Exclude<V, { kind: 'invalid' }> | { kind: 'invalid'; problems: string[] } {
  const given = body !== null && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  const idProblems =
    given === undefined || (typeof given === 'string' && isUuid(given))
      ? []
      : ['id: a uuid, or leave it out for a new one'];
  const validation = validate(body !== null && typeof body === 'object' ? { id: randomUUID(), ...body } : body);
  if (validation.kind === 'invalid' || idProblems.length > 0) {
    const problems = validation.kind === 'invalid' ? (validation as { problems: string[] }).problems : [];
    return { kind: 'invalid', problems: [...idProblems, ...problems.filter((p) => !p.startsWith('id:'))] };
  }
  return validation as Exclude<V, { kind: 'invalid' }>;
}
