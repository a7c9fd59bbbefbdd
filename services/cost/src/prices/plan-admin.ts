import type { Sql, Transactions } from '@rb/kafka-runner';
import type { Caller } from '../access/caller';
import { findVisibleCompany, isUuid } from '../access/company-scope';
import type { Plan } from '../costing/cost-inputs';
import { overlapping, PLATFORM } from '../pricing/plans';
import { validatePlan } from '../pricing/plan-input';
import { decideEnd, parseEndInput } from './end-validity';
import type { PriceChangeResult, PriceListResult } from './price-change-result';
import type { PlanRecord } from './plans.repository';
import { endPlan, findPlanForUpdate, insertPlan, listPlans, lockedPlansOfPair } from './plans.repository';
import { createdBy, permissionForPlan, validatedId } from './price-permissions';

export interface PlanAdminDeps {
  db: Sql;
  transactions: Transactions;
  clock: () => Date;
  /** after a plan was stored or ended: calls waiting for a plan may now be costed */
  onPricesChanged: () => void;
}

/**
 * Plans through the API: created whole (validated, no overlap with the same seller and buyer,
 * checked under a lock on that pair), ended (shortened), listed. Never edited in place: a
 * correction is a new plan for the period after, or an end. A reseller manages only the retail
 * plans it sells to its own companies; the operator manages every plan.
 */
export function makePlanAdmin(deps: PlanAdminDeps) {
  async function create(caller: Caller, body: unknown): Promise<PriceChangeResult<PlanRecord>> {
    const validated = validatedId(body, validatePlan);
    if (validated.kind === 'invalid') return validated;
    const plan = validated.plan;
    const refusal = await mayCreate(caller, plan);
    if (refusal) return refusal;
    const now = deps.clock();
    const result = await deps.transactions(async (sql): Promise<PriceChangeResult<PlanRecord>> => {
      const conflicting = overlapping(await lockedPlansOfPair(sql, plan), plan);
      if (conflicting.length > 0) return { kind: 'overlap', conflicting: conflicting.map((p) => p.id) };
      if (!(await insertPlan(sql, plan, createdBy(caller), now))) return { kind: 'already_exists', id: plan.id };
      return { kind: 'created', record: { plan, createdAt: now, createdBy: createdBy(caller) } };
    });
    if (result.kind === 'created') deps.onPricesChanged();
    return result;
  }

  /** A reseller sells to its own companies (or all of them, by default) under its own name only. */
  async function mayCreate(caller: Caller, plan: Plan): Promise<PriceChangeResult<PlanRecord> | null> {
    if (caller.kind === 'operator') return null;
    if (plan.seller !== caller.resellerId || plan.buyer.kind === 'reseller')
      return { kind: 'forbidden', reason: 'a reseller manages only the retail plans it sells (seller: its own id)' };
    if (plan.buyer.kind === 'company' && !(await findVisibleCompany(deps.db, caller, plan.buyer.companyId)))
      return { kind: 'not_found' };
    return null;
  }

  async function end(caller: Caller, id: string, body: unknown): Promise<PriceChangeResult<PlanRecord>> {
    const input = parseEndInput(body);
    if (input.kind === 'invalid') return input;
    if (!isUuid(id)) return { kind: 'not_found' };
    const result = await deps.transactions(async (sql): Promise<PriceChangeResult<PlanRecord>> => {
      const found = await findPlanForUpdate(sql, id);
      const permission = found ? permissionForPlan(caller, found.plan) : 'none';
      if (!found || permission === 'none') return { kind: 'not_found' };
      if (permission === 'see') return { kind: 'forbidden', reason: 'a reseller ends only the plans it sells' };
      const decision = decideEnd(found.plan, input.validUntil);
      if (decision.kind === 'invalid') return decision;
      if (decision.kind === 'already') return { kind: 'ended', record: found, changed: false };
      return { kind: 'ended', record: await endPlan(sql, id, decision.validUntil), changed: true };
    });
    if (result.kind === 'ended' && result.changed) deps.onPricesChanged();
    return result;
  }

  async function list(
    caller: Caller,
    query: { seller?: unknown; buyer?: unknown },
  ): Promise<PriceListResult<PlanRecord>> {
    const seller = typeof query.seller === 'string' ? query.seller : null;
    const buyer = typeof query.buyer === 'string' ? query.buyer : null;
    const problems = [
      ...(seller !== null && seller !== PLATFORM && !isUuid(seller) ? ['seller: "platform" or a reseller id'] : []),
      ...(buyer !== null && buyer !== 'default' && !isUuid(buyer)
        ? ['buyer: "default" or a reseller or company id']
        : []),
    ];
    if (problems.length > 0) return { kind: 'invalid', problems };
    const visibleTo = caller.kind === 'reseller' ? caller.resellerId : null;
    return { kind: 'listed', records: await listPlans(deps.db, { seller, buyer, visibleTo }) };
  }

  return { create, end, list };
}
export type PlanAdmin = ReturnType<typeof makePlanAdmin>;
