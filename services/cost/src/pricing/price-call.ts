import { Exact } from '../money/exact';

/**
 * How a plan counts a call's time:
 * - `per_second`: every second;
 * - `per_started_minute`: every minute begun (61 s = 2 minutes);
 * - `per_minute_rounded`: to the nearest minute, half a minute up (89 s = 1, 90 s = 2).
 */
export type BillingUnit = 'per_second' | 'per_started_minute' | 'per_minute_rounded';

/** The per-call part of a plan (monthly fee and included minutes belong to the monthly statement). */
export interface CallPrices {
  unit: BillingUnit;
  /** in the plan's currency, per unit; exact decimal */
  pricePerUnit: Exact;
  /** what a connected call costs at least */
  minimumPerConnectedCall: Exact;
  /** charged per confirmed booking of the call, when the plan has one */
  feePerConfirmedBooking?: Exact;
}

export interface BillableCall {
  /** whole seconds the call was connected; 0 for a call that never connected */
  durationSeconds: number;
  connected: boolean;
  confirmedBookings: number;
}

export interface CallCharge {
  units: bigint;
  usage: Exact;
  /** what the minimum added on top of the usage (zero when the usage reached it) */
  minimumTopUp: Exact;
  bookingFees: Exact;
  total: Exact;
}

/** The units a plan bills for a call's connected seconds. */
export function billableUnits(unit: BillingUnit, durationSeconds: number): bigint {
  if (!Number.isInteger(durationSeconds) || durationSeconds < 0) {
    throw new RangeError('durationSeconds must be a whole number ≥ 0');
  }
  const seconds = BigInt(durationSeconds);
  switch (unit) {
    case 'per_second':
      return seconds;
    case 'per_started_minute':
      return (seconds + 59n) / 60n;
    case 'per_minute_rounded':
      return (seconds + 30n) / 60n;
  }
}

/**
 * One call's charge under a plan, exact and unrounded (rounding happens once, where an amount is
 * booked): usage = units × price; a connected call pays at least the minimum; a call that never
 * connected pays nothing for time; each confirmed booking adds the plan's fee.
 */
export function priceCall(prices: CallPrices, call: BillableCall): CallCharge {
  if (!Number.isInteger(call.confirmedBookings) || call.confirmedBookings < 0) {
    throw new RangeError('confirmedBookings must be a whole number ≥ 0');
  }
  const units = call.connected ? billableUnits(prices.unit, call.durationSeconds) : 0n;
  const usage = prices.pricePerUnit.times(Exact.of(units));
  const minimumTopUp =
    call.connected && usage.compare(prices.minimumPerConnectedCall) < 0
      ? prices.minimumPerConnectedCall.minus(usage)
      : Exact.ZERO;
  const bookingFees = (prices.feePerConfirmedBooking ?? Exact.ZERO).times(Exact.of(BigInt(call.confirmedBookings)));
  return { units, usage, minimumTopUp, bookingFees, total: usage.plus(minimumTopUp).plus(bookingFees) };
}
