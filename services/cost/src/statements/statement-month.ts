import { DateTime } from 'luxon';
import type { Plan } from '../costing/cost-inputs';
import { mostSpecific } from '../pricing/plans';
import { inForceAt } from '../pricing/validity';

/** Statements are by Europe/Berlin calendar month (the zone of the call days): [start, end) as instants. */
export const STATEMENT_ZONE = 'Europe/Berlin';

export function monthBounds(month: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(`${month}-01`, { zone: STATEMENT_ZONE });
  if (!/^\d{4}-\d{2}$/.test(month) || !start.isValid) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/** Whether a call day (YYYY-MM-DD, Berlin) lies in the month (YYYY-MM). */
export function isInMonth(callDay: string, month: string): boolean {
  return callDay.slice(0, 7) === month && callDay.length === 10;
}

/**
 * The plan whose monthly fee and included minutes a month's statement carries: the plan in force
 * at the first instant of the month (00:00 Berlin on the 1st); if none is, the first plan that
 * starts within the month (earliest validFrom). A plan made for the company beats a default plan.
 * null: no plan applies in the month, so no fee and no allowance.
 */
export function statementPlan(plans: readonly Plan[], month: string): Plan | null {
  const { start, end } = monthBounds(month);
  const atStart = mostSpecific(plans.filter((p) => inForceAt(p, start)));
  if (atStart !== null) return atStart;
  const within = plans.filter((p) => p.validFrom >= start && p.validFrom < end);
  const first = Math.min(...within.map((p) => p.validFrom.getTime()));
  return mostSpecific(within.filter((p) => p.validFrom.getTime() === first));
}
