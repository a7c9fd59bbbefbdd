import type { Exact } from '../money/exact';
import type { CostLine } from './cost-inputs';

/**
 * A cost line with who it is attributed to: `attributionKey` is a string the caller builds from the
 * call's company, reseller, branch, number, service and staff ids. The same shape serves for what
 * the ledger holds (its entries summed per key) and for what should stand.
 */
export interface KeyedLine extends CostLine {
  attributionKey: string;
}

/** A ledger line's identity: kind, component, currency and attribution. */
export function ledgerKeyOf(line: KeyedLine): string {
  return JSON.stringify([line.kind, line.component, line.currency, line.attributionKey]);
}

/**
 * The lines to append so that, per key, what the ledger holds plus what is appended is exactly what
 * is desired: the difference of amount and of euro value. A key no longer desired gets a negating
 * line; a key whose difference is zero (both figures) gets nothing, so costing the same facts
 * again appends nothing. Duplicate keys on either side are summed first. Pure, order-stable:
 * desired keys in their order, then keys only the ledger holds, in its order.
 */
export function adjustmentsFor(current: readonly KeyedLine[], desired: readonly KeyedLine[]): KeyedLine[] {
  const held = totalsByKey(current);
  const wanted = totalsByKey(desired);
  const keys = [...new Set([...wanted.keys(), ...held.keys()])];
  return keys.flatMap((key) => {
    const want = wanted.get(key);
    const have = held.get(key);
    const line = (want ?? have)!;
    const amount = difference(want?.amount, have?.amount);
    const amountEur = difference(want?.amountEur, have?.amountEur);
    if (amount.isZero() && amountEur.isZero()) return [];
    const { kind, component, currency, attributionKey } = line;
    return [{ kind, component, currency, attributionKey, amount, amountEur }];
  });
}

function totalsByKey(lines: readonly KeyedLine[]): Map<string, KeyedLine> {
  const totals = new Map<string, KeyedLine>();
  for (const line of lines) {
    const key = ledgerKeyOf(line);
    const sofar = totals.get(key);
    totals.set(
      key,
      sofar
        ? { ...sofar, amount: sofar.amount.plus(line.amount), amountEur: sofar.amountEur.plus(line.amountEur) }
        : line,
    );
  }
  return totals;
}

function difference(want: Exact | undefined, have: Exact | undefined): Exact {
  if (want === undefined) return have!.negated();
  return have === undefined ? want : want.minus(have);
}
