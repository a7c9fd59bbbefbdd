import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ClaimsVerdict } from './claims/check-claims';
import type { AvailabilityAnswer, BookingCommandAnsweredV1, BookingOutcomeV1, CommandResult } from '@rb/contracts';
import type { CacheState } from './availability/answer-availability';
import type { AlternativesEvent } from './alternatives/offered-alternatives.repository';
import type { Park } from './booking/booking-intents';
import type { RequestOutcome } from './booking/booking-requests';
import type { RedriveOutcome } from './booking/redrive-parked';
import type { Fetch } from './calcom/calcom-client';
import type { PolicyEvent } from './calcom/calcom-gateway';

type CommandKind = BookingCommandAnsweredV1['command'];

/** What the gauges read when scraped. */
export interface MetricSources {
  /** parked intents now; a database that cannot answer keeps the last values */
  parkedStats: () => Promise<{ count: number; oldestSeconds: number }>;
  /** Cal.com accounts whose breaker is open now */
  openBreakers: () => number;
}

export type BookingMetrics = ReturnType<typeof makeBookingMetrics>;

/**
 * A question to the internal availability API as counted: its answer, `invalid` (400), `error`
 * (unexpected) or `abandoned` (its asker hung up before the answer: nothing was sent).
 */
export type AvailabilityQueryResult = AvailabilityAnswer | 'invalid' | 'error' | 'abandoned';

/** free, none_free, refused_<reason>, unavailable_<reason>, invalid, error, abandoned: a small fixed set */
export function availabilityOutcomeOf(result: AvailabilityQueryResult): string {
  if (typeof result === 'string') return result;
  return result.kind === 'refused' || result.kind === 'unavailable' ? `${result.kind}_${result.reason}` : result.kind;
}

/**
 * booking's domain metrics, all in one place (the generic consumer, outbox and HTTP metrics come
 * from @rb/observability): outcomes and the time from intent to outcome, alternatives offered and taken, the availability cache and the live availability questions,
 * Redis, the directory read model, parked intents and their re-drives, and Cal.com (calls by operation and status class, latency,
 * cockatiel policy events, open breakers).
 */
export function makeBookingMetrics(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const outcomes = counter('booking_outcomes_total', 'Outcomes emitted, by type and (for failures) reason', [
    'type',
    'reason',
  ]);
  const availability = counter(
    'booking_availability_lookups_total',
    'Availability lookups per (event type, day) answered from the Redis cache (hit) or Cal.com (miss)',
    ['result'],
  );
  const corruptCacheValues = counter(
    'booking_availability_cache_corrupt_values_total',
    'Unreadable values in the availability cache (each read as a miss and overwritten, never an error)',
  );
  const redisErrors = counter(
    'booking_redis_errors_total',
    'Redis failures; the cache and the call budget fail open (straight to Cal.com)',
    ['component'],
  );
  const branchUnknown = counter(
    'booking_branch_unknown_total',
    'Intents whose branch was not in the directory read model yet (defaults used for alternatives)',
  );
  const parked = counter(
    'booking_intents_parked_total',
    "Intents parked instead of pausing their partition, by reason (the Cal.com failure, or behind_parked: their call's order)",
    ['reason'],
  );
  const redriven = counter(
    'booking_parked_redrives_total',
    'Re-drives of parked intents, by outcome (settled, already_settled, still_unavailable, retried, dead_lettered)',
    ['outcome'],
  );
  const superseded = counter(
    'booking_intents_superseded_total',
    "Post-call intents not booked because their call was handled live (the live booking is the call's)",
  );
  const claimChecks = counter(
    'booking_claim_checks_total',
    "The truth check's verdict per analysed call: held (every claim of a booking matches what exists), mismatch (booking.claim-mismatch.v1 emitted), no_claims",
    ['verdict'],
  );
  const intentToOutcome = new Histogram({
    name: 'booking_intent_to_outcome_seconds',
    help: "From a booking intent's occurrence (its ce_time) to its outcome committed to the outbox, by the outcome's type (booking.confirmed.v1, booking.alternatives-offered.v1, booking.failed.v1); once per intent",
    labelNames: ['type'] as const,
    // the post-call target (p95 ≤ 500 ms from call_analyzed) up to an intent parked for minutes
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const calcom = calcomMetrics(registry);
  const alternatives = alternativesMetrics(registry);
  const queries = availabilityQueryMetrics(registry);
  const commands = commandMetrics(registry);

  return {
    onOutcome: (outcome: BookingOutcomeV1) =>
      outcomes.inc({ type: outcome.type, reason: outcome.type === 'booking.failed.v1' ? outcome.reason : '' }),
    onAvailabilityLookup: (result: 'hit' | 'miss') => availability.inc({ result }),
    onCorruptCacheValue: () => corruptCacheValues.inc(),
    onRedisError: (component: 'budget' | 'availability_cache') => redisErrors.inc({ component }),
    onBranchUnknown: () => branchUnknown.inc(),
    onParked: (park: Park) => parked.inc({ reason: park.reason }),
    onRedrive: (report: { outcome: RedriveOutcome }) => redriven.inc({ outcome: report.outcome }),
    onSuperseded: () => superseded.inc(),
    onIntentSettled: (type: RequestOutcome['type'], seconds: number) => intentToOutcome.observe({ type }, seconds),
    onClaimsVerdict: (verdict: ClaimsVerdict) => claimChecks.inc({ verdict }),
    ...calcom,
    ...alternatives,
    ...commands,
    ...queries,
    /** the gauges, once what they read exists */
    watch: (sources: MetricSources) => gauges(registry, sources),
  };
}

function gauges(registry: Registry, sources: MetricSources): void {
  const read = () => sources.parkedStats();
  new Gauge({
    name: 'booking_parked_intents',
    help: 'Intents parked now because their Cal.com is unavailable (or behind a parked intent of their call)',
    registers: [registry],
    async collect() {
      await read().then(
        (s) => this.set(s.count),
        () => undefined,
      );
    },
  });
  new Gauge({
    name: 'booking_parked_oldest_seconds',
    help: 'How long the longest-parked intent has waited (0 when none is parked)',
    registers: [registry],
    async collect() {
      await read().then(
        (s) => this.set(s.oldestSeconds),
        () => undefined,
      );
    },
  });
  new Gauge({
    name: 'booking_calcom_breakers_open',
    help: 'Cal.com accounts whose breaker is open now (their intents are parked)',
    registers: [registry],
    collect() {
      this.set(sources.openBreakers());
    },
  });
}

/**
 * The business's take-rate of alternatives: offers committed (a post-call intent's
 * booking.alternatives-offered.v1, a live book's slot_taken with alternatives), by the offering
 * request's source, and bookings confirmed at a start offered to their call (booking.confirmed.v1
 * `alternative: true`), by the booking request's source and `offered_in`, where that start was
 * offered (live_call, post_call); each once per request after its commit. Only a live offer can
 * be taken, by a later live book of the call or by its post-call intent: the post-call intent
 * holds its call (call_claims), so nothing books for the call after a post-call offer. The
 * take-rate is therefore taken{offered_in="live_call"} ÷ offered{source="live_call"}; taken ÷
 * offered over all sources would read low by every post-call offer.
 */
function alternativesMetrics(registry: Registry) {
  const offered = new Counter({
    name: 'booking_alternatives_offered_total',
    help: "Offers of alternatives to a caller whose wish was taken (post-call booking.alternatives-offered.v1 and live books' slot_taken with alternatives), by the offering request's source (analysis, transcript, live_call). Only live_call offers can be taken: a post-call intent holds its call, so nothing books for the call after its offer",
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const taken = new Counter({
    name: 'booking_alternatives_taken_total',
    help: "Bookings confirmed at a start offered to their call as an alternative (booking.confirmed.v1 alternative: true), by the booking request's source (analysis, transcript, live_call) and offered_in, where the start was offered (live_call, post_call). Take-rate: taken with offered_in=live_call over offered with source=live_call",
    labelNames: ['source', 'offered_in'] as const,
    registers: [registry],
  });
  return {
    onAlternatives: (event: AlternativesEvent) => {
      if (event.kind === 'offered') offered.inc({ source: event.source });
      else taken.inc({ source: event.source, offered_in: event.offeredIn });
    },
  };
}

/**
 * The internal availability API, asked while a caller waits: questions by outcome, and how long
 * each took from its body read to its answer (buckets 5 ms–2 s with the SLO thresholds: 50 ms warm
 * cache, 300 ms cold cache), by the answer's kind, so the slow `unavailable` answers do not hide in
 * the free ones. Both by `cache`: `warm` answered without Cal.com, `cold` when Cal.com was asked,
 * so each target can be held apart.
 */
function availabilityQueryMetrics(registry: Registry) {
  const queries = new Counter({
    name: 'booking_availability_queries_total',
    help: 'Availability questions of the internal API by outcome (free, none_free, refused_<reason>, unavailable_<reason>, invalid, error, abandoned) and cache (warm: answered without Cal.com; cold: Cal.com asked)',
    labelNames: ['outcome', 'cache'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'booking_availability_query_duration_seconds',
    help: "Availability questions' time to answer, by the answer's kind (free, none_free, refused, unavailable, invalid, error, abandoned) and cache (warm: answered without Cal.com; cold: Cal.com asked)",
    labelNames: ['kind', 'cache'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2],
    registers: [registry],
  });
  return {
    onAvailabilityQuery: (result: AvailabilityQueryResult, seconds: number, cache: CacheState) => {
      queries.inc({ outcome: availabilityOutcomeOf(result), cache });
      duration.observe({ kind: typeof result === 'string' ? result : result.kind, cache }, seconds);
    },
  };
}

/** A live command as counted: its answer's kind, the refusal's reason for a refusal, or `repeated`. */
export function commandResultOf(result: CommandResult, repeated: boolean): string {
  if (repeated) return 'repeated';
  return result.kind === 'refused' ? result.reason : result.kind;
}

/**
 * The live commands (book, reschedule, cancel while the caller waits): answers by command and
 * result, and how long booking took from taking a command up to its answer written (buckets with
 * the live book's target, p95 ≤ 1 s end to end). A parked book command is answered later and not timed.
 */
function commandMetrics(registry: Registry) {
  const answered = new Counter({
    name: 'booking_commands_total',
    help: 'Live commands answered, by command (book, reschedule, cancel) and result (booked, rescheduled, cancelled, slot_taken, a refusal reason, repeated)',
    labelNames: ['command', 'result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'booking_command_duration_seconds',
    help: "Live commands' time from being taken up to their answer written, by command",
    labelNames: ['command'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  return {
    onCommandAnswered: (
      answer: { command: CommandKind; result: CommandResult; repeated: boolean },
      seconds: number | undefined,
    ) => {
      answered.inc({ command: answer.command, result: commandResultOf(answer.result, answer.repeated) });
      if (seconds !== undefined) duration.observe({ command: answer.command }, seconds);
    },
  };
}

/** Cal.com's paths with the booking uid taken out, so a label never names a booking. */
function operationOf(method: string, url: URL): string {
  const path = url.pathname.replace(/^\/v2\/bookings\/[^/]+/, '/v2/bookings/:uid');
  return `${method} ${path}`;
}

/**
 * What booking's dashboards need of Cal.com: every HTTP call by operation and status class
 * (calls per booking, error rates, latency), and the cockatiel policy events (retries, breaker
 * changes, bulkhead rejections, timeouts).
 */
function calcomMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'booking_calcom_requests_total',
    help: 'HTTP calls to Cal.com by operation and status class (2xx, 4xx, 429, 5xx, network)',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'booking_calcom_request_duration_seconds',
    help: 'Cal.com HTTP call duration by operation',
    labelNames: ['operation'] as const,
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 4, 8],
    registers: [registry],
  });
  const policy = new Counter({
    name: 'booking_calcom_policy_events_total',
    help: 'cockatiel policy events: retry, breaker_open, breaker_half_open, breaker_closed, bulkhead_rejected, timeout, cancelled (the caller stopped waiting)',
    labelNames: ['event', 'operation'] as const,
    registers: [registry],
  });

  /** fetch, counted */
  const instrumentCalcom =
    (inner: Fetch): Fetch =>
    async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const operation = operationOf(init?.method ?? 'GET', url);
      const end = duration.startTimer({ operation });
      try {
        const response = await inner(input, init);
        const status = response.status === 429 ? '429' : `${Math.floor(response.status / 100)}xx`;
        requests.inc({ operation, status });
        return response;
      } catch (error) {
        requests.inc({ operation, status: 'network' });
        throw error;
      } finally {
        end();
      }
    };

  const onCalcomPolicyEvent = (event: PolicyEvent) => {
    if (event.type === 'breaker') policy.inc({ event: `breaker_${event.state}`, operation: '' });
    else policy.inc({ event: event.type, operation: event.operation });
  };

  return { instrumentCalcom, onCalcomPolicyEvent };
}
