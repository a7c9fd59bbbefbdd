import { DateTime } from 'luxon';
import { isUuid } from '../access/company-scope';

export const GROUPINGS = ['reseller', 'company', 'branch', 'service', 'staff'] as const;
export type Grouping = (typeof GROUPINGS)[number];
export const PERIODS = ['day', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** The longest range one report covers, in days, both ends included. */
export const MAX_REPORT_DAYS = 366;

export interface ReportRequest {
  by: Grouping;
  period: Period;
  /** Berlin call days, both included, YYYY-MM-DD */
  from: string;
  to: string;
  companyId: string | null;
  resellerId: string | null;
}

/** GET /reports' query, checked whole: every problem named. */
export function parseReportRequest(
  query: Record<string, unknown>,
): { kind: 'valid'; request: ReportRequest } | { kind: 'invalid'; problems: string[] } {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const problems: string[] = [];
  const by = oneOf(text('by'), GROUPINGS, 'by', problems);
  const period = oneOf(text('period'), PERIODS, 'period', problems);
  const from = day(text('from'), 'from', problems);
  const to = day(text('to'), 'to', problems);
  if (from && to) problems.push(...rangeProblems(from, to));
  const companyId = id(text('companyId'), 'companyId', problems);
  const resellerId = id(text('resellerId'), 'resellerId', problems);
  if (problems.length > 0 || !by || !period || !from || !to) return { kind: 'invalid', problems };
  return {
    kind: 'valid',
    request: { by, period, from: from.toISODate()!, to: to.toISODate()!, companyId, resellerId },
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, problems: string[]) {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name}: one of ${allowed.join(', ')}`);
  return undefined;
}

function day(value: string | undefined, name: string, problems: string[]): DateTime | undefined {
  const parsed = value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: 'UTC' }) : undefined;
  if (parsed?.isValid) return parsed;
  problems.push(`${name}: a day as YYYY-MM-DD`);
  return undefined;
}

function rangeProblems(from: DateTime, to: DateTime): string[] {
  const days = to.diff(from, 'days').days + 1;
  if (days < 1) return ['to: must not be before from'];
  return days > MAX_REPORT_DAYS ? [`to: the range is ${days} days; at most ${MAX_REPORT_DAYS} per report`] : [];
}

function id(value: string | undefined, name: string, problems: string[]): string | null {
  if (value === undefined || value === '') return null;
  if (isUuid(value)) return value;
  problems.push(`${name}: an id (uuid)`);
  return null;
}
