import { Exact } from '../money/exact';
import { retellCostComponents } from './base-cost';
import type { CallCosting, CallFacts, CostContext, CostPins, TwilioRate } from './cost-inputs';
import { usdRateOf } from './call-rates';
import type { CallMeasures } from './cost-lines';
import { baseCostLines, quantityLines } from './cost-lines';
import { partiesOf, partyLines } from './cost-parties';
import { twilioCostComponent, twilioNeed } from './twilio-cost';

/**
 * The pure decision of what a call costs, from its facts and its context (COSTING.md in this folder
 * spells out every rule). In order: not ended → `not_ended`; no instant or no dollar rate for its
 * day → pending `rate`; routed: company unknown → `directory`, a plan missing or in the wrong
 * currency → `plan`; a Twilio rate missing → `twilio_rate`; a plan currency's rate missing → `rate`.
 */
export function costCall(facts: CallFacts, context: CostContext): CallCosting {
  if (!hasEnded(facts)) return { kind: 'not_ended' };
  const instant = callInstant(facts);
  if (instant === null) return pending('rate', `a start or end time of call ${facts.callId}`);
  const usd = usdRateOf(instant, context);
  if (usd.kind === 'pending') return pending('rate', usd.waitingFor);
  const measures = measuresOf(facts);
  const parties = facts.attribution === null ? null : partiesOf(facts.attribution.companyId, context);
  if (parties?.kind === 'pending') return parties;
  const twilio = twilioRateOf(facts, measures, context);
  if (twilio.kind === 'pending') return twilio;
  const base = [
    ...quantityLines(facts, measures),
    ...baseCostLines(baseComponents(facts, twilio.rate, measures), usd.usdPerEur),
  ];
  const pins: CostPins = {
    callDay: usd.callDay,
    rateDate: usd.rateDate,
    usdPerEur: usd.usdPerEur,
    wholesalePlanId: parties?.wholesale.id ?? null,
    retailPlanId: parties?.retail.id ?? null,
    twilioRateId: twilio.rate?.id ?? null,
    resellerId: parties?.company.resellerId ?? null,
  };
  if (parties === null) return { kind: 'costed', lines: base, pins };
  const lines = partyLines(base, parties, facts, measures, { rateDate: usd.rateDate, context });
  return lines.kind === 'pending' ? lines : { kind: 'costed', lines: lines.lines, pins };
}

/** Whether call.ended.v1 arrived: `facts.ended` when the caller says; else inferred from its fields. */
export function hasEnded(facts: CallFacts): boolean {
  return facts.ended ?? !(facts.endedAt === null && facts.durationMs === null && facts.retellCost === null);
}

/**
 * The instant a call is priced and converted at (its day, its plans, its rates): its start; for a
 * call without one (it never connected, or an event from before startedAt) its end less its
 * duration, which for a call that never connected is its end. null: neither is known.
 */
export function callInstant(facts: CallFacts): Date | null {
  if (facts.startedAt !== null) return facts.startedAt;
  if (facts.endedAt === null) return null;
  return new Date(facts.endedAt.getTime() - (facts.durationMs ?? 0));
}

/** Connected: it has a start, or a duration (events from before startedAt); seconds rounded half up. */
export function measuresOf(facts: CallFacts): CallMeasures {
  const connected = facts.startedAt !== null || (facts.durationMs ?? 0) > 0;
  const seconds = connected ? Exact.of(BigInt(facts.durationMs ?? 0), 1000n).roundTo(0) : 0n;
  return { connected, connectedSeconds: Number(seconds) };
}

function twilioRateOf(
  facts: CallFacts,
  measures: CallMeasures,
  context: CostContext,
): { kind: 'rate'; rate: TwilioRate | null } | Extract<CallCosting, { kind: 'pending' }> {
  const need = twilioNeed(facts, measures.connectedSeconds);
  if (need.kind === 'none') return { kind: 'rate', rate: null };
  if (need.kind === 'unknown') return pending('twilio_rate', need.missing);
  const rate = context.twilioRate;
  if (rate === null) return pending('twilio_rate', `Twilio rate for ${need.direction} ${need.numberType} calls`);
  if (rate.direction !== need.direction || rate.numberType !== need.numberType) {
    throw new RangeError(`Twilio rate ${rate.id} is not for ${need.direction} ${need.numberType} calls`);
  }
  return { kind: 'rate', rate };
}

function baseComponents(facts: CallFacts, twilio: TwilioRate | null, measures: CallMeasures) {
  const retell = facts.retellCost === null ? [] : retellCostComponents(facts.retellCost);
  return twilio === null ? retell : [...retell, twilioCostComponent(twilio, measures.connectedSeconds)];
}

function pending(reason: Extract<CallCosting, { kind: 'pending' }>['reason'], waitingFor: string) {
  return { kind: 'pending' as const, reason, waitingFor };
}
