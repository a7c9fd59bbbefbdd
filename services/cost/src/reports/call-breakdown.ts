import type { Sql } from '@rb/kafka-runner';
import type { Caller } from '../access/caller';
import { findVisibleCompany } from '../access/company-scope';
import { Exact } from '../money/exact';
import type { CallStateRow, EntryRow } from './call-breakdown.repository';
import { loadCallEntries, loadCallState } from './call-breakdown.repository';

/** The platform's own lines: not shown to a reseller. */
const PLATFORM_KINDS = new Set(['base_cost', 'platform_profit']);

export type CostingStateJson =
  | { status: 'pending'; reason: string | null; waitingFor: string | null; since: string | null }
  | { status: 'costed'; revision: number }
  /** known from its events, not costed yet (it has not ended as far as cost knows) */
  | { status: 'not_costed' };

export type BreakdownResult =
  | {
      kind: 'breakdown';
      callId: string;
      costing: CostingStateJson;
      entries: ReturnType<typeof entryJson>[];
      lines: LineSum[];
    }
  | { kind: 'not_found' };

export interface LineSum {
  kind: string;
  component: string;
  currency: string;
  amount: string;
  amountEur: string;
}

/**
 * One call's costing: every ledger entry (revision, cause, amounts exactly as booked, rate and plans
 * used) and the current sum per line (kind, component, currency), which is what the call costs now.
 * A reseller sees a call of its own companies only, and only its lines (no base cost, no platform
 * profit, no Twilio rate); any other call is not found, as an unknown one is.
 */
export function makeCallBreakdown(deps: { db: Sql }) {
  return async function callBreakdown(caller: Caller, callId: string): Promise<BreakdownResult> {
    const [state, allEntries] = await Promise.all([loadCallState(deps.db, callId), loadCallEntries(deps.db, callId)]);
    if (!state.known_facts && state.status === null && allEntries.length === 0) return { kind: 'not_found' };
    if (caller.kind === 'operator')
      return {
        kind: 'breakdown',
        callId,
        costing: stateJson(state),
        entries: allEntries.map(entryJson),
        lines: lineSums(allEntries),
      };
    const companyId = state.facts_company_id ?? allEntries.find((e) => e.company_id)?.company_id ?? null;
    if (companyId === null || !(await findVisibleCompany(deps.db, caller, companyId))) return { kind: 'not_found' };
    const entries = allEntries.filter((e) => e.reseller_id === caller.resellerId && !PLATFORM_KINDS.has(e.kind));
    const shown = entries.map((e) => ({ ...entryJson(e), plans: { ...entryJson(e).plans, twilioRateId: null } }));
    return { kind: 'breakdown', callId, costing: stateJson(state), entries: shown, lines: lineSums(entries) };
  };
}

function stateJson(s: CallStateRow): CostingStateJson {
  if (s.status === 'costed') return { status: 'costed', revision: s.revision ?? 0 };
  if (s.status === 'pending')
    return {
      status: 'pending',
      reason: s.pending_reason,
      waitingFor: s.waiting_for,
      since: s.pending_since?.toISOString() ?? null,
    };
  return { status: 'not_costed' };
}

function entryJson(e: EntryRow) {
  return {
    revision: e.revision,
    cause: e.cause,
    kind: e.kind,
    component: e.component,
    currency: e.currency,
    amount: Exact.parse(e.amount).toDecimalString(),
    amountEur: Exact.parse(e.amount_eur).toDecimalString(),
    rate: {
      rateDate: e.rate_date,
      usdPerEur: e.usd_per_eur === null ? null : Exact.parse(e.usd_per_eur).toDecimalString(),
    },
    plans: { wholesalePlanId: e.wholesale_plan_id, retailPlanId: e.retail_plan_id, twilioRateId: e.twilio_rate_id },
    createdAt: e.created_at.toISOString(),
  };
}

/** The entries summed exactly per (kind, component, currency), in the order the lines first appeared. */
function lineSums(entries: readonly EntryRow[]): LineSum[] {
  const sums = new Map<string, { line: Omit<LineSum, 'amount' | 'amountEur'>; amount: Exact; amountEur: Exact }>();
  for (const e of entries) {
    const key = JSON.stringify([e.kind, e.component, e.currency]);
    const sum = sums.get(key) ?? {
      line: { kind: e.kind, component: e.component, currency: e.currency },
      amount: Exact.ZERO,
      amountEur: Exact.ZERO,
    };
    sums.set(key, {
      ...sum,
      amount: sum.amount.plus(Exact.parse(e.amount)),
      amountEur: sum.amountEur.plus(Exact.parse(e.amount_eur)),
    });
  }
  return [...sums.values()].map((s) => ({
    ...s.line,
    amount: s.amount.toDecimalString(),
    amountEur: s.amountEur.toDecimalString(),
  }));
}
