import { SLO_BUCKETS_SECONDS } from '@rb/observability';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

const MAX_UNKNOWN_TYPES = 20;
const EVENT_TYPE_SHAPE = /^[a-z][a-z0-9_]{0,39}$/;

/** ingress's domain metrics; label values are small fixed sets (event types, reasons). */
export function makeIngressMetrics(registry: Registry) {
  const registers = [registry];
  const seenUnknown = new Set<string>();
  let commandsReadiness = (): { answers: boolean; schema: boolean } => ({ answers: false, schema: false });
  return {
    bookingCommandsReady: new Gauge({
      name: 'ingress_booking_commands_ready',
      help: 'whether book/reschedule/cancel can be served (1) or answer not_ready (0), by part: answers (the booking.command-results.v1 consumer has its offsets), schema (booking.commands.v1’s value schema is registered). Not part of /readyz: webhooks and call_inbound do not need them',
      labelNames: ['part'] as const,
      registers,
      collect() {
        const { answers, schema } = commandsReadiness();
        this.set({ part: 'answers' }, answers ? 1 : 0);
        this.set({ part: 'schema' }, schema ? 1 : 0);
      },
    }),
    /** what ingress_booking_commands_ready reads when scraped */
    watchCommandsReadiness(probe: () => { answers: boolean; schema: boolean }): void {
      commandsReadiness = probe;
    },
    produced: new Counter({
      name: 'ingress_events_produced_total',
      help: 'Retell webhooks stored on the Retell events topic (broker acknowledged)',
      labelNames: ['event_type'] as const,
      registers,
    }),
    callInbound: new Counter({
      name: 'ingress_call_inbound_total',
      help: 'call_inbound answers, by outcome (routed, a refusal reason, rejected, not_ready) and whether it repeated an earlier answer',
      labelNames: ['outcome', 'repeated'] as const,
      registers,
    }),
    callInboundDuration: new Histogram({
      name: 'ingress_call_inbound_duration_seconds',
      help: 'From the call_inbound request read to its answer',
      buckets: SLO_BUCKETS_SECONDS,
      registers,
    }),
    functionCalls: new Counter({
      name: 'ingress_function_calls_total',
      help: 'Retell custom-function calls (tools during a live call), by function (a known tool, else unknown) and outcome (offered, booked, a refusal or problem code, deadline_passed, bad_signature; internal_error: an unexpected failure answered 503 by the error handler)',
      labelNames: ['name', 'outcome'] as const,
      registers,
    }),
    functionCallDuration: new Histogram({
      name: 'ingress_function_call_duration_seconds',
      help: 'From a custom-function request read to its answer (booking asked within AVAILABILITY_DEADLINE_MS)',
      labelNames: ['name'] as const,
      // the live call's targets: p95 ≤ 50 ms on a warm cache, ≤ 300 ms on a cold one
      buckets: [...SLO_BUCKETS_SECONDS, 0.3].sort((a, b) => a - b),
      registers,
    }),
    bookingCommands: new Counter({
      name: 'ingress_booking_commands_total',
      help: 'book/reschedule/cancel commands sent to booking, by command and outcome (booked, rescheduled, cancelled, slot_taken, refused; deadline_passed: no answer in time; produce_unknown: not acknowledged in time, may be stored; produce_failed, busy: not sent; not_ready: the answers consumer or the schema not ready, not sent)',
      labelNames: ['command', 'outcome'] as const,
      registers,
    }),
    bookingCommandWait: new Histogram({
      name: 'ingress_booking_command_wait_seconds',
      help: 'From handing a command to the producer to booking’s answer or the deadline (COMMAND_DEADLINE_MS)',
      labelNames: ['command'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8],
      registers,
    }),
    argsOnlyCallers: new Counter({
      name: 'ingress_args_only_callers_total',
      help: 'args-only booking tool requests by how their caller was settled: verified (call_inbound recorded the number and the anrufer_nummer argument, if any, agrees), mismatch (the argument names another number: no caller), no_record (no number recorded for the call id: no caller)',
      labelNames: ['check'] as const,
      registers,
    }),
    commandAnswersRead: new Counter({
      name: 'ingress_command_answers_read_total',
      help: 'booking.command-results.v1 answers read: matched (a request here waited for it), not_waiting (another replica’s, or past its deadline), unreadable',
      labelNames: ['outcome'] as const,
      registers,
    }),
    customerLookups: new Counter({
      name: 'ingress_customer_lookups_total',
      help: 'call_inbound asking call-processor for the caller: known, unknown, or no answer (timeout, failed, not_configured, withheld_number)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    ringRecords: new Counter({
      name: 'ingress_call_inbound_records_total',
      help: 'call_inbound requests recorded on the Retell events topic after answering: stored, failed or not_ready (lost after the retries)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    directoryEvents: new Counter({
      name: 'ingress_directory_events_total',
      help: 'tenants.directory.v1 events read into the routing directory: applied, stale or unreadable',
      labelNames: ['outcome'] as const,
      registers,
    }),
    rejections: new Counter({
      name: 'ingress_webhook_rejections_total',
      help: 'Webhooks answered with a 4xx/5xx, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    duplicates: new Counter({
      name: 'ingress_duplicates_dropped_total',
      help: 'Redeliveries acknowledged without producing them again',
      labelNames: ['event_type'] as const,
      registers,
    }),
    unknownEvents: new Counter({
      name: 'ingress_unknown_events_total',
      help: 'Stored webhooks whose event type the contracts do not know yet',
      labelNames: ['event_type'] as const,
      registers,
    }),
    dependencyErrors: new Counter({
      name: 'ingress_dependency_errors_total',
      help: 'Failures talking to a dependency that ingress worked around (fail-open) or reported',
      labelNames: ['dependency', 'operation'] as const,
      registers,
    }),
    produceBatchSize: new Histogram({
      name: 'ingress_produce_batch_size',
      help: 'Webhooks sent to the broker in one produce request',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    produceDuration: new Histogram({
      name: 'ingress_produce_duration_seconds',
      help: 'Time from handing a batch to the producer until the broker acknowledged (acks=all)',
      buckets: SLO_BUCKETS_SECONDS,
      registers,
    }),
    /** unknown event types become a label, bounded: odd shapes and types beyond the first 20 are folded */
    unknownEventLabel(event: string): string {
      if (!EVENT_TYPE_SHAPE.test(event)) return 'unrecognised';
      if (seenUnknown.has(event)) return event;
      if (seenUnknown.size >= MAX_UNKNOWN_TYPES) return 'other';
      seenUnknown.add(event);
      return event;
    },
  };
}

export type IngressMetrics = ReturnType<typeof makeIngressMetrics>;
