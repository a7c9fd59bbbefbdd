import { z } from 'zod';
import type { Validity } from '../pricing/validity';
import { dateTimeWithOffset, problemsOf, validityProblems } from '../pricing/input-fields';

const EndInputSchema = z.strictObject({ validUntil: dateTimeWithOffset });

export type EndDecision =
  { kind: 'end'; validUntil: Date } | { kind: 'already'; validUntil: Date } | { kind: 'invalid'; problems: string[] };

/** The body of POST …/:id/end, `{ validUntil }`, checked before anything is looked up. */
export function parseEndInput(
  body: unknown,
): { kind: 'valid'; validUntil: Date } | { kind: 'invalid'; problems: string[] } {
  const parsed = EndInputSchema.safeParse(body ?? {});
  return parsed.success
    ? { kind: 'valid', validUntil: new Date(parsed.data.validUntil) }
    : { kind: 'invalid', problems: problemsOf(parsed.error) };
}

/**
 * Ending a plan or a rate only ever shortens it: after it starts, and no later than it ends now, so
 * an end can never make it overlap its successor (and needs no overlap check). The end may lie in
 * the past: a correction, whose calls already costed change only by an explicit re-cost. Asking
 * again for the end it already has changes nothing (a retried request).
 */
export function decideEnd(current: Validity, validUntil: Date): EndDecision {
  if (current.validUntil?.getTime() === validUntil.getTime()) return { kind: 'already', validUntil };
  const problems = validityProblems(current.validFrom, validUntil);
  if (current.validUntil !== null && validUntil.getTime() > current.validUntil.getTime())
    problems.push(
      `validUntil: it already ends at ${current.validUntil.toISOString()}; an end can only be brought forward`,
    );
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'end', validUntil };
}
