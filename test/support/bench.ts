/** What the benchmarks share: percentiles, and waiting on a count that must reach zero. */

/** The p-th percentile of ascending numbers (nearest rank); NaN when there are none. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

/**
 * Polls until nothing `remaining` is left; fails loudly when it has not moved for `stallMs` (a
 * topic missing, a consumer that never joined) instead of waiting for ever.
 */
export async function waitUntilNoneLeft(
  what: string,
  remaining: () => number | Promise<number>,
  everyMs: number,
  stallMs: number,
): Promise<void> {
  let [left, movedAt] = [await remaining(), Date.now()];
  while (left > 0) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = await remaining();
    if (now !== left) [left, movedAt] = [now, Date.now()];
    else if (Date.now() - movedAt > stallMs)
      throw new Error(`${what}: ${now} still to go, none for ${stallMs / 1000} s (broker, registry, database up?)`);
  }
}
