import type { ConsumedMessage } from './consumed-message';
import type { RunnerError } from './errors';

export type Outcome =
  | 'processed'
  | 'duplicate'
  | 'dead_lettered'
  | 'retried'
  | 'paused'
  /** the handler's compensation undid a prepared side effect before the dead letter */
  | 'compensated'
  | 'compensation_failed';
export interface OutcomeReport {
  topic: string;
  eventType: string;
  outcome: Outcome;
  /** from first delivery to the outcome */
  seconds: number;
  /** message age at the outcome (now − broker timestamp) */
  ageSeconds: number;
  error?: { code: string; message: string };
}

/** Reports what became of a message, `started` being when it was first delivered. */
export type ReportOutcome = (
  message: ConsumedMessage,
  eventType: string,
  outcome: Outcome,
  started: number,
  error?: RunnerError,
) => void;

/** Observability through events: each outcome goes to `onOutcome`, the service makes metrics of it. */
export function outcomeReporter(options: { onOutcome?: (report: OutcomeReport) => void }): ReportOutcome {
  return (message, eventType, outcome, started, error) => {
    options.onOutcome?.({
      topic: message.topic,
      eventType,
      outcome,
      seconds: (Date.now() - started) / 1000,
      ageSeconds: Math.max(0, (Date.now() - message.timestamp) / 1000),
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
  };
}
