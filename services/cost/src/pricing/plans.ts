import type { CompanyAccount, Plan } from '../costing/cost-inputs';
import { inForceAt, latestDecided, validitiesOverlap } from './validity';

export type PlanBuyer = Plan['buyer'];

/** The platform, as a plan's seller. */
export const PLATFORM = 'platform';

export function sameBuyer(a: PlanBuyer, b: PlanBuyer): boolean {
  if (a.kind === 'reseller') return b.kind === 'reseller' && a.resellerId === b.resellerId;
  if (a.kind === 'company') return b.kind === 'company' && a.companyId === b.companyId;
  return b.kind === 'default';
}

/**
 * The seller's plan for the buyer at the instant: a plan made for this buyer (a company, a
 * reseller) beats the seller's default plan; among plans of one rank in force at once (an overlap
 * the overlap check should have refused) the latest decided wins. null: the seller has none then.
 */
export function planInForce(plans: readonly Plan[], seller: string, buyer: PlanBuyer, at: Date): Plan | null {
  return mostSpecific(
    plans.filter(
      (p) => p.seller === seller && inForceAt(p, at) && (sameBuyer(p.buyer, buyer) || p.buyer.kind === 'default'),
    ),
  );
}

/** Of candidate plans, one made for a buyer beats a default plan; within a rank the latest decided. */
export function mostSpecific(candidates: readonly Plan[]): Plan | null {
  return (
    latestDecided(candidates.filter((p) => p.buyer.kind !== 'default')) ??
    latestDecided(candidates.filter((p) => p.buyer.kind === 'default'))
  );
}

/**
 * A company's two plans at the instant. Through a reseller: wholesale = the platform's plan for the
 * reseller, retail = the reseller's plan for the company. Direct: both are the platform's plan for
 * the company (retail = wholesale, the same plan).
 */
export function plansForCompany(
  plans: readonly Plan[],
  company: CompanyAccount,
  at: Date,
): { wholesale: Plan | null; retail: Plan | null } {
  const { companyId, resellerId } = company;
  if (resellerId === null) {
    const direct = planInForce(plans, PLATFORM, { kind: 'company', companyId }, at);
    return { wholesale: direct, retail: direct };
  }
  return {
    wholesale: planInForce(plans, PLATFORM, { kind: 'reseller', resellerId }, at),
    retail: planInForce(plans, resellerId, { kind: 'company', companyId }, at),
  };
}

/**
 * The stored plans a candidate would overlap: same seller, same buyer (a default plan only with
 * default plans), validities sharing an instant. A plan never overlaps itself (same id: an update).
 */
export function overlapping(existing: readonly Plan[], candidate: Plan): Plan[] {
  return existing.filter(
    (p) =>
      p.id !== candidate.id &&
      p.seller === candidate.seller &&
      sameBuyer(p.buyer, candidate.buyer) &&
      validitiesOverlap(p, candidate),
  );
}
