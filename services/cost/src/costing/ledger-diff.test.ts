import fc from 'fast-check';
import { Exact, sum } from '../money/exact';
import type { LedgerKind } from './cost-inputs';
import type { KeyedLine } from './ledger-diff';
import { adjustmentsFor, ledgerKeyOf } from './ledger-diff';

const x = Exact.parse;
const line = (
  kind: LedgerKind,
  component: string,
  amount: string,
  amountEur: string,
  attributionKey = 'A',
): KeyedLine => ({
  kind,
  component,
  currency: kind === 'base_cost' ? 'USD' : 'EUR',
  attributionKey,
  amount: x(amount),
  amountEur: x(amountEur),
});
const rows = (lines: KeyedLine[]) =>
  lines.map((l) => [l.kind, l.component, l.attributionKey, l.amount.toDecimalString(), l.amountEur.toDecimalString()]);

describe('what to append to the ledger', () => {
  it('when a call is costed the first time, then its lines are appended as they are', () => {
    const desired = [line('base_cost', 'llm', '0.0144', '0.01345166'), line('retail', 'usage', '0.15', '0.15')];
    expect(rows(adjustmentsFor([], desired))).toEqual(rows(desired));
  });

  it('when the same costing is decided again, then nothing is appended', () => {
    const desired = [line('retail', 'usage', '0.15', '0.15'), line('retail', 'usage', '0.05', '0.05')];
    expect(adjustmentsFor([line('retail', 'usage', '0.2', '0.2')], desired)).toEqual([]);
  });

  it('when a later fact changes a line, adds one and drops one, then only the differences are appended', () => {
    const current = [line('retail', 'usage', '0.15', '0.15'), line('retail', 'minimum', '0.05', '0.05')];
    const desired = [line('retail', 'usage', '0.30', '0.30'), line('retail', 'booking_fees', '1', '1')];
    expect(rows(adjustmentsFor(current, desired))).toEqual([
      ['retail', 'usage', 'A', '0.15', '0.15'],
      ['retail', 'booking_fees', 'A', '1', '1'],
      ['retail', 'minimum', 'A', '-0.05', '-0.05'],
    ]);
  });

  it('when only the euro value changes (a re-cost at another rate), then the appended line moves the euros alone', () => {
    const current = [line('base_cost', 'llm', '0.0144', '0.01345166')];
    const desired = [line('base_cost', 'llm', '0.0144', '0.01346296')];
    expect(rows(adjustmentsFor(current, desired))).toEqual([['base_cost', 'llm', 'A', '0', '0.0000113']]);
  });

  it('when the call is attributed elsewhere (another staff member), then the old key is negated and the new one booked', () => {
    const current = [line('retail', 'usage', '0.15', '0.15', 'staff-1')];
    const desired = [line('retail', 'usage', '0.15', '0.15', 'staff-2')];
    expect(rows(adjustmentsFor(current, desired))).toEqual([
      ['retail', 'usage', 'staff-2', '0.15', '0.15'],
      ['retail', 'usage', 'staff-1', '-0.15', '-0.15'],
    ]);
  });
});

describe('the ledger diff, for any ledger and any desired costing', () => {
  const amount = fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }).map((n) => Exact.of(n, 10n ** 8n));
  const keyedLine = fc.record({
    kind: fc.constantFrom<LedgerKind>('base_cost', 'retail', 'platform_profit'),
    component: fc.constantFrom('', 'usage', 'llm'),
    currency: fc.constantFrom('EUR', 'USD'),
    attributionKey: fc.constantFrom('A', 'B'),
    amount: fc.oneof(amount, fc.constant(Exact.ZERO)),
    amountEur: fc.oneof(amount, fc.constant(Exact.ZERO)),
  });
  const lines = fc.array(keyedLine, { maxLength: 12 });
  const totals = (ls: KeyedLine[], key: string) => {
    const of = ls.filter((l) => ledgerKeyOf(l) === key);
    return [sum(of.map((l) => l.amount)), sum(of.map((l) => l.amountEur))];
  };

  it('property: per key, the ledger plus what is appended is exactly what is desired, and nothing zero is appended', () => {
    fc.assert(
      fc.property(lines, lines, (current, desired) => {
        const appended = adjustmentsFor(current, desired);
        const keys = new Set([...current, ...desired].map(ledgerKeyOf));
        const balanced = [...keys].every((key) => {
          const [held, heldEur] = totals([...current, ...appended], key);
          const [want, wantEur] = totals(desired, key);
          return held!.equals(want!) && heldEur!.equals(wantEur!);
        });
        return balanced && appended.every((l) => !(l.amount.isZero() && l.amountEur.isZero()));
      }),
    );
  });

  it('property: applying the difference and deciding again appends nothing the second time', () => {
    fc.assert(
      fc.property(lines, lines, (current, desired) => {
        const once = [...current, ...adjustmentsFor(current, desired)];
        return adjustmentsFor(once, desired).length === 0;
      }),
    );
  });
});
