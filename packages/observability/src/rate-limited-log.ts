import type { Logger } from './logger';

/**
 * A warning that may come thousands of times a second (every webhook answered 503 while the
 * broker is away) logged once per key and window, with how many were left out since the last
 * line. Keys are a small fixed set (reasons), never ids.
 */
export function rateLimitedWarn(log: Logger, everyMs = 10_000, clock: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, fields: Record<string, unknown>, message: string): void => {
    const now = clock();
    const entry = last.get(key);
    if (entry && now - entry.at < everyMs) {
      entry.suppressed++;
      return;
    }
    log.warn({ ...fields, suppressedSinceLast: entry?.suppressed ?? 0 }, message);
    last.set(key, { at: now, suppressed: 0 });
  };
}
