import fc from 'fast-check';
import { Exact } from '../money/exact';
import type { BillingUnit, CallPrices } from './price-call';
import { billableUnits, priceCall } from './price-call';

const eur = Exact.parse;
const plan = (unit: BillingUnit, extra: Partial<CallPrices> = {}): CallPrices => ({
  unit,
  pricePerUnit: unit === 'per_second' ? eur('0.0025') : eur('0.15'),
  minimumPerConnectedCall: eur('0.20'),
  ...extra,
});

describe('billable units', () => {
  it('when a call lasts 0, 1, 29, 30, 60, 61, 89 and 90 s, then each unit counts as its rule says', () => {
    const seconds = [0, 1, 29, 30, 60, 61, 89, 90];
    expect(seconds.map((s) => billableUnits('per_second', s))).toEqual([0n, 1n, 29n, 30n, 60n, 61n, 89n, 90n]);
    expect(seconds.map((s) => billableUnits('per_started_minute', s))).toEqual([0n, 1n, 1n, 1n, 1n, 2n, 2n, 2n]);
    expect(seconds.map((s) => billableUnits('per_minute_rounded', s))).toEqual([0n, 0n, 0n, 1n, 1n, 1n, 1n, 2n]);
    expect(() => billableUnits('per_second', -1)).toThrow(RangeError);
    expect(() => billableUnits('per_second', 1.5)).toThrow(RangeError);
  });

  it('property: more seconds never bill fewer units, and a started minute never bills less than a rounded one', () => {
    fc.assert(
      fc.property(fc.nat({ max: 24 * 3600 }), fc.nat({ max: 600 }), (s, more) => {
        const units = (['per_second', 'per_started_minute', 'per_minute_rounded'] as const).map(
          (u) => billableUnits(u, s + more) >= billableUnits(u, s),
        );
        return units.every(Boolean) && billableUnits('per_started_minute', s) >= billableUnits('per_minute_rounded', s);
      }),
    );
  });
});

describe('a call under a plan', () => {
  it('when a connected call is short, then the minimum tops the usage up to it', () => {
    const charge = priceCall(plan('per_started_minute'), {
      durationSeconds: 20,
      connected: true,
      confirmedBookings: 0,
    });
    expect([charge.units, charge.usage.toDecimalString(), charge.minimumTopUp.toDecimalString()]).toEqual([
      1n,
      '0.15',
      '0.05',
    ]);
    expect(charge.total.toDecimalString()).toBe('0.2');
  });

  it('when a call never connected, then it pays nothing for time and no minimum', () => {
    const charge = priceCall(plan('per_second'), { durationSeconds: 0, connected: false, confirmedBookings: 0 });
    expect(charge.total.isZero()).toBe(true);
  });

  it('when a call booked twice under a plan with a booking fee, then each confirmed booking adds the fee', () => {
    const prices = plan('per_second', { feePerConfirmedBooking: eur('1.50') });
    const charge = priceCall(prices, { durationSeconds: 185, connected: true, confirmedBookings: 2 });
    // 185 s × 0.0025 = 0.4625, over the minimum; fees 3.00
    expect([
      charge.usage.toDecimalString(),
      charge.minimumTopUp.toDecimalString(),
      charge.bookingFees.toDecimalString(),
    ]).toEqual(['0.4625', '0', '3']);
    expect(charge.total.toDecimalString()).toBe('3.4625');
    expect(charge.total.roundTo(2)).toBe(346n);
  });

  it('property: the total is the sum of its parts and never below the minimum for a connected call', () => {
    const units = fc.constantFrom<BillingUnit>('per_second', 'per_started_minute', 'per_minute_rounded');
    fc.assert(
      fc.property(units, fc.nat({ max: 7200 }), fc.boolean(), fc.nat({ max: 3 }), (unit, s, connected, bookings) => {
        const prices = plan(unit, { feePerConfirmedBooking: eur('0.99') });
        const c = priceCall(prices, { durationSeconds: s, connected, confirmedBookings: bookings });
        const parts = c.usage.plus(c.minimumTopUp).plus(c.bookingFees).equals(c.total);
        const timeCharge = c.total.minus(c.bookingFees);
        const floor = !connected || timeCharge.compare(prices.minimumPerConnectedCall) >= 0;
        return parts && floor;
      }),
    );
  });
});
