import { Counter, Gauge, Histogram } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { SLO_BUCKETS_SECONDS } from './metrics';

/** What a consumer reports per message (the kafka runner's OutcomeReport has this shape). */
export interface ConsumedOutcome {
  topic: string;
  eventType: string;
  outcome: string;
  seconds: number;
  ageSeconds: number;
}

/** A consumer's restart after a crash (the kafka runner's RestartReport has this shape). */
export interface ConsumerRestart {
  topics: readonly string[];
  attempt: number;
  delayMs: number;
  error: { message: string };
}

/**
 * The generic consumer and outbox metrics every service shares:
 * `kafka_consumer_messages_total{topic,event_type,outcome}`, `kafka_consumer_handler_duration_seconds`,
 * `kafka_consumer_event_age_seconds`, `kafka_consumer_restarts_total{topic}`, `outbox_pending_events`,
 * `outbox_published_total`.
 */
export function makeConsumerMetrics(registry: Registry) {
  const messages = new Counter({
    name: 'kafka_consumer_messages_total',
    help: 'Consumed messages by outcome (processed, duplicate, retried, paused, dead_lettered, compensated, compensation_failed)',
    labelNames: ['topic', 'event_type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kafka_consumer_handler_duration_seconds',
    help: 'From first delivery of a message to its outcome',
    labelNames: ['topic'] as const,
    buckets: SLO_BUCKETS_SECONDS,
    registers: [registry],
  });
  const age = new Histogram({
    name: 'kafka_consumer_event_age_seconds',
    help: 'Age of a message (now minus broker timestamp) when its outcome was reached',
    labelNames: ['topic'] as const,
    buckets: [...SLO_BUCKETS_SECONDS, 10, 30, 60, 300],
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'kafka_consumer_restarts_total',
    help: 'Restarts of a crashed consumer (broker away, group coordinator lost), each attempt',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'outbox_pending_events',
    help: 'Outbox rows not yet published',
    registers: [registry],
  });
  const published = new Counter({
    name: 'outbox_published_total',
    help: 'Outbox rows published',
    registers: [registry],
  });
  const oldestPending = new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when none): a stalled relay shows here first',
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'outbox_dead_letters_total',
    help: 'Outbox rows the broker refused for good (e.g. over the topic size limit), set aside in the outbox',
    labelNames: ['topic', 'reason'] as const,
    registers: [registry],
  });
  return {
    onOutcome(report: ConsumedOutcome): void {
      messages.inc({ topic: report.topic, event_type: report.eventType, outcome: report.outcome });
      // only final outcomes are timed (a compensation is followed by its dead letter)
      if (!FINAL_OUTCOMES.has(report.outcome)) return;
      duration.observe({ topic: report.topic }, report.seconds);
      age.observe({ topic: report.topic }, report.ageSeconds);
    },
    /** for a consumer runner's `onRestart`: each restart counted once per topic it reads, and logged */
    restartReporter(log: Logger): (restart: ConsumerRestart) => void {
      return ({ topics, attempt, delayMs, error }) => {
        for (const topic of topics) restarts.inc({ topic });
        log.warn({ topics, attempt, delayMs, err: error.message }, 'consumer crashed; restarting it');
      };
    },
    /** the outbox relay's events ('published', 'pending', 'oldestPendingAge', 'deadLettered', 'publishFailed') as metrics and log lines */
    watchRelay(relay: EventEmitter, log: Logger): void {
      relay.on('published', (n: number) => published.inc(n));
      relay.on('pending', (n: number) => pending.set(n));
      relay.on('oldestPendingAge', (seconds: number) => oldestPending.set(seconds));
      relay.on('deadLettered', (d: { topic: string; reason: string }) => {
        deadLettered.inc(d);
        log.error(d, 'outbox row refused by the broker for good: set aside as a dead letter');
      });
      relay.on('publishFailed', (error: Error) => log.warn({ err: error.message }, 'outbox publish failed; retrying'));
    },
  };
}

const FINAL_OUTCOMES = new Set(['processed', 'duplicate', 'dead_lettered']);
