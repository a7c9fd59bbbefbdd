import { Exact } from '../money/exact';
import { billableUnits } from '../pricing/price-call';
import type { CostComponent } from './base-cost';
import type { CallFacts, TwilioRate } from './cost-inputs';

export const TWILIO_COMPONENT = 'twilio';

/**
 * Whether Twilio bills a call apart from Retell, and by which rate. Only a call on a number
 * imported from the business's own Twilio account (`twilio_imported`) with connected seconds:
 * - a number bought through Retell, or no line known (an unrouted call, an event from before the
 *   field): Retell's cost already holds the telephony: `none`;
 * - a web call: no phone line at all, so no Twilio cost, even on such a number: `none`;
 * - a call that never connected: Twilio bills no minute, so no rate is needed: `none`;
 * - direction or number type not known: the rate cannot be chosen, the call waits (`unknown`),
 *   never guessed.
 */
export type TwilioNeed =
  | { kind: 'none' }
  | { kind: 'rate'; direction: TwilioRate['direction']; numberType: TwilioRate['numberType'] }
  | { kind: 'unknown'; missing: string };

export function twilioNeed(facts: CallFacts, connectedSeconds: number): TwilioNeed {
  const line = facts.line;
  if (line?.numberKind !== 'twilio_imported' || facts.direction === 'web' || connectedSeconds === 0) {
    return { kind: 'none' };
  }
  if (facts.direction === null) return { kind: 'unknown', missing: `the direction of call ${facts.callId}` };
  if (line.numberType === null) {
    const number = facts.attribution?.phoneNumberId ?? facts.callId;
    return { kind: 'unknown', missing: `the number type of phone number ${number}` };
  }
  return { kind: 'rate', direction: facts.direction, numberType: line.numberType };
}

/**
 * Twilio's cost of a call on an imported number: every started minute of its connected (whole)
 * seconds × the rate's dollars per minute, exact, as a base-cost component in US cents like
 * Retell's (so one conversion turns all of them into dollars).
 */
export function twilioCostComponent(rate: TwilioRate, connectedSeconds: number): CostComponent {
  const minutes = billableUnits(rate.unit, connectedSeconds);
  return { component: TWILIO_COMPONENT, usdCents: rate.usdPerMinute.times(Exact.of(minutes * 100n)) };
}
