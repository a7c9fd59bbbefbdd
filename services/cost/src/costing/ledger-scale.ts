import { Exact, sum } from '../money/exact';
import type { CostLine, LedgerKind } from './cost-inputs';
import { LEDGER_DECIMALS } from './cost-inputs';

const SCALE = 10n ** BigInt(LEDGER_DECIMALS);

/**
 * The one rounding place of the per-call costing: an amount at the ledger's scale (LEDGER_DECIMALS
 * places), half away from zero as `Exact.roundTo` does. Every money line's amount and euro value
 * passes here once; sums of such lines (the profits) are then exact at the same scale.
 */
export function toLedgerScale(x: Exact): Exact {
  return Exact.of(x.roundTo(LEDGER_DECIMALS), SCALE);
}

/** A count (calls, seconds, bookings): currency '', its "euro value" the count itself. */
export function quantityLine(kind: LedgerKind, count: number): CostLine {
  const amount = Exact.of(BigInt(count));
  return { kind, component: '', currency: '', amount, amountEur: amount };
}

/**
 * A money line from an exact, unrounded amount in `currency`, worth `perEur` units per euro (1 for
 * EUR). Both figures are rounded from the exact amount, so each is off by at most half a unit of
 * the ledger's scale; null when the line is zero at that scale (zero money lines are not kept).
 */
export function moneyLine(
  kind: LedgerKind,
  component: string,
  currency: string,
  exact: Exact,
  perEur: Exact,
): CostLine | null {
  const amount = toLedgerScale(exact);
  const amountEur = toLedgerScale(exact.dividedBy(perEur));
  return amount.isZero() && amountEur.isZero() ? null : { kind, component, currency, amount, amountEur };
}

/** The euro value of the lines of a kind, exact (a sum of ledger-scale figures needs no rounding). */
export function eurOf(lines: readonly CostLine[], kind: LedgerKind): Exact {
  return sum(lines.filter((l) => l.kind === kind).map((l) => l.amountEur));
}

/** A profit line in euros: the difference of two sums of rounded euro figures, so the ledger balances exactly. */
export function profitLine(kind: 'platform_profit' | 'reseller_profit', eur: Exact): CostLine | null {
  return moneyLine(kind, '', 'EUR', eur, Exact.of(1n));
}

export function present(lines: readonly (CostLine | null)[]): CostLine[] {
  return lines.filter((l): l is CostLine => l !== null);
}
