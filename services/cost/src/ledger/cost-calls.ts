import type { CallCostEvent } from '@rb/contracts';
import type { OutboxEvent, Sql } from '@rb/kafka-runner';
import { loadEndedCallFacts } from '../call-facts/call-facts.repository';
import { costCall } from '../costing/cost-call';
import type { CallFacts, CompanyAccount, CostContext, CostLine, CostPins, PendingReason } from '../costing/cost-inputs';
import { adjustmentsFor } from '../costing/ledger-diff';
import type { CostEventFraming, CostRevision } from './cost-events';
import { costEventOf, costOutboxEvent } from './cost-events';
import { lockCalls } from './call-locks';
import { costingContexts } from './costing-context';
import type { CostingPins, CostingState } from './costing-state.repository';
import { loadCostingStates, saveCostingStates } from './costing-state.repository';
import type { LedgerSum, LineAttribution, NewLedgerEntry } from './ledger.repository';
import { appendLedgerEntries, attributionKey, attributionOfKey, loadLedgerSums } from './ledger.repository';

export interface CostCallsDeps extends CostEventFraming {
  clock: () => Date;
  /** each revision written (for metrics) */
  onRevision?: (event: CallCostEvent) => void;
}

/** Why calls are costed now: their facts changed, the pending sweep, or an operator's re-cost. */
export type CostTrigger =
  | { kind: 'facts'; causes: ReadonlyMap<string, { id: string; traceparent?: string | undefined }> }
  | { kind: 'sweep' }
  | { kind: 'recost'; reason: string };

export type CallCostOutcome =
  | { kind: 'not_ended' }
  | { kind: 'pending'; reason: PendingReason; waitingFor: string }
  | { kind: 'unchanged'; revision: number }
  | { kind: 'revised'; revision: number; event: OutboxEvent };

/**
 * The costing of calls, in the caller's transaction: each call's costing is decided anew from all
 * its facts (costCall), compared with what its ledger entries sum to, and only the difference is
 * appended, as one revision. So duplicates change nothing, any order of events ends in the same
 * totals, and a late fact is an adjustment. A few statements for a whole chunk of calls.
 */
export async function costCalls(
  sql: Sql,
  callIds: readonly string[],
  trigger: CostTrigger,
  deps: CostCallsDeps,
  options: { locked?: boolean } = {},
): Promise<Map<string, CallCostOutcome>> {
  const outcomes = new Map<string, CallCostOutcome>(callIds.map((id) => [id, { kind: 'not_ended' }]));
  if (!options.locked) await lockCalls(sql, callIds);
  const facts = await loadEndedCallFacts(sql, callIds);
  if (facts.size === 0) return outcomes;
  const ids = [...facts.keys()];
  const states = await loadCostingStates(sql, ids);
  const inputs: CostingInputs = {
    states,
    contexts: await costingContexts(sql, [...facts.values()], states, { repin: trigger.kind === 'recost' }),
    // every call's, not only those the state table says were costed: no entry is ever appended twice
    sums: await loadLedgerSums(sql, ids),
  };
  const changes: Changes = { now: deps.clock(), entries: [], states: new Map() };
  for (const call of facts.values()) outcomes.set(call.callId, reviseCall(call, inputs, trigger, deps, changes));
  await appendLedgerEntries(sql, changes.entries);
  await saveCostingStates(sql, changes.states, changes.now);
  return outcomes;
}

interface CostingInputs {
  states: ReadonlyMap<string, CostingState>;
  contexts: ReadonlyMap<string, CostContext>;
  sums: ReadonlyMap<string, LedgerSum[]>;
}

/** What a batch writes: ledger entries to append and the calls' new states. */
interface Changes {
  now: Date;
  entries: NewLedgerEntry[];
  states: Map<string, CostingState>;
}

/** One call: its costing decided now, compared with its ledger, the difference as one revision. */
function reviseCall(
  call: CallFacts,
  inputs: CostingInputs,
  trigger: CostTrigger,
  deps: CostCallsDeps,
  changes: Changes,
): CallCostOutcome {
  const state = inputs.states.get(call.callId);
  const decision = costCall(call, inputs.contexts.get(call.callId)!);
  if (decision.kind === 'not_ended') return decision;
  if (decision.kind === 'pending') {
    // a re-cost that cannot be done now leaves the costing as it is; otherwise the call waits,
    // visibly, keeping the entries it has until what it waits for arrives
    if (trigger.kind !== 'recost' || state?.kind !== 'costed')
      changes.states.set(call.callId, pendingState(state, decision, changes.now));
    return { kind: 'pending', reason: decision.reason, waitingFor: decision.waitingFor };
  }
  const attribution = lineAttribution(call, decision.pins);
  const key = attributionKey(attribution);
  const appended = adjustmentsFor(
    inputs.sums.get(call.callId) ?? [],
    decision.lines.map((l) => ({ ...l, attributionKey: key })),
  );
  const revision = (state?.revision ?? 0) + (appended.length > 0 ? 1 : 0);
  changes.states.set(call.callId, {
    kind: 'costed',
    revision,
    pins: costingPins(decision.pins, inputs.contexts.get(call.callId)!.company),
  });
  if (appended.length === 0) return { kind: 'unchanged', revision };
  const revised: CostRevision = {
    callId: call.callId,
    revision,
    cause: trigger.kind === 'recost' ? 'recost' : revision === 1 ? 'costed' : 'late_fact',
    reason: trigger.kind === 'recost' ? trigger.reason : null,
    attribution,
    pins: decision.pins,
    lines: decision.lines,
    appended: appended.map(({ attributionKey: _key, ...line }) => line),
    costedAt: changes.now,
    causedBy: trigger.kind === 'facts' ? (trigger.causes.get(call.callId) ?? null) : null,
  };
  changes.entries.push(...appended.map((line) => ledgerEntry(revised, line, attributionOfKey(line.attributionKey))));
  const event = costEventOf(revised);
  deps.onRevision?.(event);
  return { kind: 'revised', revision, event: costOutboxEvent(event, deps, revised.causedBy) };
}

function pendingState(
  state: CostingState | undefined,
  decision: { reason: PendingReason; waitingFor: string },
  now: Date,
): CostingState {
  const since = state?.kind === 'pending' ? state.pendingSince : now;
  return { kind: 'pending', revision: state?.revision ?? 0, ...decision, pendingSince: since };
}

function lineAttribution(call: CallFacts, pins: CostPins): LineAttribution {
  const a = call.attribution;
  return {
    companyId: a?.companyId ?? null,
    resellerId: a ? pins.resellerId : null,
    branchId: a?.branchId ?? null,
    phoneNumberId: a?.phoneNumberId ?? null,
    serviceId: call.serviceId,
    staffId: call.staffId,
  };
}

function costingPins(p: CostPins, company: CompanyAccount | null): CostingPins {
  return {
    wholesalePlanId: p.wholesalePlanId,
    retailPlanId: p.retailPlanId,
    twilioRateId: p.twilioRateId,
    resellerId: p.resellerId,
    rateDate: p.rateDate,
    ...(company ? { billingCurrency: company.billingCurrency, resellerCurrency: company.resellerCurrency } : {}),
  };
}

function ledgerEntry(r: CostRevision, line: CostLine, attribution: LineAttribution): NewLedgerEntry {
  return {
    ...line,
    callId: r.callId,
    revision: r.revision,
    cause: r.cause,
    attribution,
    callDay: r.pins.callDay,
    rateDate: r.pins.rateDate,
    usdPerEur: r.pins.usdPerEur,
    wholesalePlanId: r.pins.wholesalePlanId,
    retailPlanId: r.pins.retailPlanId,
    twilioRateId: r.pins.twilioRateId,
  };
}
