import type { KnownRetellWebhookEvent } from '@rb/contracts';
import type { CallEventFacts, CallFields, CallStage } from './call-state';

const STAGE: Record<KnownRetellWebhookEvent['event'], CallStage> = {
  call_started: 'started',
  call_ended: 'ended',
  call_analyzed: 'analysed',
  transcript_updated: 'transcript_updated',
  transfer_started: 'transfer',
  transfer_bridged: 'transfer',
  transfer_cancelled: 'transfer',
  transfer_ended: 'transfer',
};

const iso = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : undefined);
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** What the call record keeps of a Retell event (numbers, times, transcript, cost, analysis). */
export function toCallEventFacts(body: KnownRetellWebhookEvent, eventId: string): CallEventFacts {
  const call = body.call;
  const direction =
    call.call_type === 'web_call'
      ? 'web'
      : call.direction === 'outbound'
        ? 'outbound'
        : call.direction === 'inbound'
          ? 'inbound'
          : undefined;
  const cost = call.call_cost;
  const analysis = call.call_analysis;
  const fields: Partial<CallFields> = {
    direction,
    fromNumber: orUndefined(call.from_number),
    toNumber: orUndefined(call.to_number),
    agentId: call.agent_id,
    startedAt: iso(call.start_timestamp),
    endedAt: iso(call.end_timestamp),
    durationMs: typeof call.duration_ms === 'number' ? Math.round(call.duration_ms) : undefined,
    disconnectionReason: orUndefined(call.disconnection_reason),
    retellCost:
      cost && typeof cost.combined_cost === 'number'
        ? {
            combinedCostCents: cost.combined_cost,
            totalDurationSeconds: cost.total_duration_seconds ?? null,
            productCosts: (cost.product_costs ?? []).map((p) => ({ product: p.product, costCents: p.cost })),
          }
        : undefined,
    analysis: analysis
      ? {
          summary: analysis.call_summary ?? null,
          successful: analysis.call_successful ?? null,
          sentiment: analysis.user_sentiment ?? null,
          inVoicemail: analysis.in_voicemail ?? null,
          custom: analysis.custom_analysis_data ?? {},
        }
      : undefined,
  };
  return { eventId, stage: STAGE[body.event], callId: call.call_id, fields };
}

/** The transcript an event carries (the full one on call_ended and call_analyzed). */
export function transcriptOf(body: KnownRetellWebhookEvent): string | undefined {
  return body.call.transcript ?? undefined;
}
