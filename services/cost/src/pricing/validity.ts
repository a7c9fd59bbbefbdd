/** An effective-dated record: in force on `[validFrom, validUntil)`, open-ended when validUntil is null. */
export interface Validity {
  validFrom: Date;
  validUntil: Date | null;
}

/** Whether the record is in force at the instant: validFrom ≤ at < validUntil. */
export function inForceAt(validity: Validity, at: Date): boolean {
  const t = at.getTime();
  return validity.validFrom.getTime() <= t && (validity.validUntil === null || t < validity.validUntil.getTime());
}

/** Whether two half-open validities share an instant (touching ends, [a, b) and [b, c), do not). */
export function validitiesOverlap(a: Validity, b: Validity): boolean {
  const endOf = (v: Validity) => (v.validUntil === null ? Number.POSITIVE_INFINITY : v.validUntil.getTime());
  return a.validFrom.getTime() < endOf(b) && b.validFrom.getTime() < endOf(a);
}

/**
 * Of several records, the one decided last: the latest validFrom (ties: the greatest id). Only
 * reached when overlapping records were stored despite the overlap check; null for none.
 */
export function latestDecided<T extends Validity & { id: string }>(records: readonly T[]): T | null {
  return records.reduce<T | null>((best, r) => {
    if (best === null) return r;
    const byFrom = r.validFrom.getTime() - best.validFrom.getTime();
    return byFrom > 0 || (byFrom === 0 && r.id > best.id) ? r : best;
  }, null);
}
