import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Logger } from './logger';
import { rateLimitedWarn } from './rate-limited-log';

/** A URL's scheme, host and port: what may be logged of an endpoint whose path, query or user part may carry a key. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

/**
 * OpenTelemetry's own problems (an export that failed, spans dropped from a full queue) as
 * warnings in the service's log, at most one per level every 10 s (a collector that is away fails
 * every batch); its chatter below warn stays silent. The traces URL is named by its origin only.
 */
export function warnOfProblems(log: Logger, url: string): void {
  const warn = rateLimitedWarn(log);
  const secrets = [url, safeHref(url)].filter((s): s is string => !!s && s !== urlOrigin(url));
  const said =
    (level: 'error' | 'warn') =>
    (message: string, ...args: unknown[]): void => {
      let problem = [message, ...args].map(problemText).join(' ');
      for (const secret of secrets) problem = problem.split(secret).join(urlOrigin(url));
      warn(
        `otel_${level}`,
        { problem: problem.slice(0, 300) },
        'tracing: OpenTelemetry reports a problem; spans may be lost',
      );
    };
  const silent = () => undefined;
  diag.setLogger(
    { error: said('error'), warn: said('warn'), info: silent, debug: silent, verbose: silent },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

/** What a diag argument says: an error's name, code and message (the exporter hands them over as JSON), never its stack. */
function problemText(part: unknown): string {
  let value = part;
  if (typeof part === 'string' && part.startsWith('{')) {
    try {
      value = JSON.parse(part) as unknown;
    } catch {
      return part;
    }
  }
  if (typeof value === 'string') return value;
  const { name, code, message } = (value ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  if (message === undefined) return String(value);
  return [name, code, message].filter((p) => p !== undefined && p !== '').join(' ');
}

function safeHref(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}
