import fc from 'fast-check';
import { callDayOf } from '../exchange-rates/rate-for-call';
import { Exact, sum } from '../money/exact';
import { monthlyStatement } from './monthly-statement';
import { isInMonth, monthBounds, statementPlan } from './statement-month';
import { COMPANY, call, retailPlan } from './statement.test-support';

const june = (calls: Parameters<typeof monthlyStatement>[0]['calls'], plans = [retailPlan('A')]) =>
  monthlyStatement({ companyId: COMPANY, month: '2024-06', currency: 'EUR', calls, plans });
const cents = (s: ReturnType<typeof june>) => s.calls.map((c) => [c.callId, c.amountCents, c.creditCents]);

describe("a company's monthly statement", () => {
  it('when calls consume the included minutes, then they do so in start order, whatever order they come in', () => {
    const statement = june([
      call('c2', '2024-06-04T10:00:00Z', 30, { usage: '0.15', minimum: '0.05', booking_fees: '1' }),
      call('c1', '2024-06-03T10:00:00Z', 61, { usage: '0.30' }),
    ]);
    expect(cents(statement)).toEqual([
      ['c1', 30n, 30n],
      ['c2', 120n, 0n],
    ]);
    expect(statement).toMatchObject({ feePlanId: 'A', includedMinutes: 2, monthlyFeeCents: 4900n, callsCents: 150n });
    expect([statement.creditCents, statement.subtotalCents, statement.totalCents]).toEqual([30n, 5050n, 5020n]);
  });

  it('when the allowance runs out within a call, then only its covered minutes are credited, never its minimum or fees', () => {
    const statement = june(
      [
        call('long', '2024-06-03T10:00:00Z', 100, { usage: '0.30' }), // 2 minutes, 1 left after
        call('short', '2024-06-03T11:00:00Z', 20, { usage: '0.15', minimum: '0.05', booking_fees: '1' }),
        call('later', '2024-06-03T12:00:00Z', 180, { usage: '0.45' }),
      ],
      [retailPlan('A', { includedMinutes: 3 })],
    );
    expect(cents(statement)).toEqual([
      ['long', 30n, 30n],
      ['short', 120n, 15n],
      ['later', 45n, 0n],
    ]);
  });

  it("when the ledger's usage is less than the covered minutes' price, then the credit stops at the usage", () => {
    const statement = june([call('adjusted', '2024-06-03T10:00:00Z', 61, { usage: '0.1' })]);
    expect(cents(statement)).toEqual([['adjusted', 10n, 10n]]);
  });

  it('when a total is exactly half a cent, then it is rounded away from zero (0.125 → 0.13, −0.125 → −0.13)', () => {
    const plan = retailPlan('A', { includedMinutes: 0 });
    const statement = june(
      [
        call('up', '2024-06-03T10:00:00Z', 1, { usage: '0.1', minimum: '0.025' }),
        call('down', '2024-06-03T11:00:00Z', 0, { booking_fees: '-0.125' }),
      ],
      [plan],
    );
    expect(cents(statement)).toEqual([
      ['up', 13n, 0n],
      ['down', -13n, 0n],
    ]);
    expect(statement.callsCents).toBe(0n);
  });

  it('when the plan changes mid-month, then each call keeps its own plan and the fee is that of the plan on the 1st', () => {
    const change = new Date('2024-06-15T00:00:00+02:00');
    const plans = [
      retailPlan('A', { validUntil: change, includedMinutes: 2 }),
      retailPlan('B', {
        validFrom: change,
        unit: 'per_second',
        pricePerUnit: Exact.parse('0.003'),
        monthlyFee: Exact.parse('99'),
      }),
    ];
    const statement = june(
      [
        call('before', '2024-06-10T10:00:00Z', 30, { usage: '0.15', minimum: '0.05' }, 'A'),
        call('after', '2024-06-20T10:00:00Z', 30, { usage: '0.09', minimum: '0.11' }, 'B'),
      ],
      plans,
    );
    expect(statement).toMatchObject({ feePlanId: 'A', monthlyFeeCents: 4900n, includedMinutes: 2 });
    expect(cents(statement)).toEqual([
      ['before', 20n, 15n],
      ['after', 20n, 9n], // 30 of the 60 s left of A's allowance, at B's price per second
    ]);
    expect(
      monthlyStatement({ companyId: COMPANY, month: '2024-07', currency: 'EUR', calls: [], plans }).feePlanId,
    ).toBe('B');
  });

  it('when no plan is in force on the 1st, then the first plan starting within the month carries the fee', () => {
    const plans = [
      retailPlan('late', { validFrom: new Date('2024-06-20T00:00:00+02:00') }),
      retailPlan('early', {
        validFrom: new Date('2024-06-10T00:00:00+02:00'),
        validUntil: new Date('2024-06-20T00:00:00+02:00'),
      }),
      retailPlan('ended', {
        validFrom: new Date('2024-05-01T00:00:00+02:00'),
        validUntil: new Date('2024-06-01T00:00:00+02:00'),
      }),
    ];
    expect(statementPlan(plans, '2024-06')?.id).toBe('early');
    expect(statementPlan(plans, '2024-05')?.id).toBe('ended');
    expect(statementPlan(plans.slice(0, 1), '2024-05')).toBeNull();
    expect(june([], []).monthlyFeeCents).toBe(0n);
  });

  it("when a call starts at 23:30 UTC on the 31st, then it is on the next month's statement (Berlin months)", () => {
    expect(monthBounds('2024-06').start.toISOString()).toBe('2024-05-31T22:00:00.000Z');
    expect(monthBounds('2024-11').start.toISOString()).toBe('2024-10-31T23:00:00.000Z');
    const day = callDayOf(new Date('2024-05-31T23:30:00Z'));
    expect([isInMonth(day, '2024-05'), isInMonth(day, '2024-06')]).toEqual([false, true]);
    expect(() => june([call('may', '2024-05-31T21:30:00Z', 10, { usage: '0.15' })])).toThrow(RangeError);
    expect(() => june([], [retailPlan('A', { currency: 'CHF' })])).toThrow(RangeError);
    expect(() => june([call('x', '2024-06-03T10:00:00Z', 10, { usage: '0.15' }, 'unknown')])).toThrow(RangeError);
  });

  it('property: every total is the sum of its rounded lines, each line within half a cent of its exact sum, no credit above its usage', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 10n }).map((n) => Exact.of(n, 10n ** 8n).toDecimalString(8));
    const calls = fc.array(
      fc.record({ seconds: fc.nat({ max: 900 }), usage: amount, minimum: amount, start: fc.nat({ max: 29 * 86_400 }) }),
      { maxLength: 15 },
    );
    fc.assert(
      fc.property(calls, fc.nat({ max: 20 }), (given, includedMinutes) => {
        const built = given.map((c, i) =>
          call(`c${i}`, new Date(Date.UTC(2024, 5, 1, 12) + c.start * 1000).toISOString(), c.seconds, {
            usage: c.usage,
            minimum: c.minimum,
          }),
        );
        const s = june(built, [retailPlan('A', { includedMinutes })]);
        const byId = new Map(built.map((c) => [c.callId, c]));
        const lineOk = s.calls.every((line) => {
          const exact = sum(byId.get(line.callId)!.lines.map((l) => l.amount));
          const usage = byId.get(line.callId)!.lines.find((l) => l.component === 'usage')!.amount;
          const error = Exact.of(line.amountCents, 100n).minus(exact);
          return (
            error.compare(Exact.parse('0.005')) <= 0 &&
            error.compare(Exact.parse('-0.005')) >= 0 &&
            line.creditCents >= 0n &&
            line.creditCents <= usage.roundTo(2)
          );
        });
        const add = (f: (c: (typeof s.calls)[number]) => bigint) => s.calls.reduce((t, c) => t + f(c), 0n);
        return (
          lineOk &&
          s.callsCents === add((c) => c.amountCents) &&
          s.creditCents === add((c) => c.creditCents) &&
          s.totalCents === s.callsCents + s.monthlyFeeCents - s.creditCents &&
          s.subtotalCents === s.callsCents + s.monthlyFeeCents
        );
      }),
    );
  });
});
