import type { KnownRetellWebhookEvent, RetellCallCost } from '@rb/contracts';
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

/** Twilio's call SIDs: what the events topic stored is not checked, so a SID is kept only in this shape. */
const TWILIO_CALL_SID = /^CA[0-9a-fA-F]{32}$/;

type RetellCall = KnownRetellWebhookEvent['call'];
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
  const analysis = call.call_analysis;
  const sid = call.telephony_identifier?.twilio_call_sid;
  const fields: Partial<CallFields> = {
    direction,
    fromNumber: orUndefined(call.from_number),
    toNumber: orUndefined(call.to_number),
    agentId: call.agent_id,
    startedAt: iso(call.start_timestamp),
    connected: connectedOf(call),
    endedAt: iso(call.end_timestamp),
    durationMs: typeof call.duration_ms === 'number' ? Math.round(call.duration_ms) : undefined,
    disconnectionReason: orUndefined(call.disconnection_reason),
    twilioCallSid: typeof sid === 'string' && TWILIO_CALL_SID.test(sid) ? sid : undefined,
    retellCost: retellCostOf(call.call_cost),
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

/**
 * Whether the call connected, by its status: `ongoing` and `ended` did (call_started is only sent
 * then), `not_connected` and `registered` did not (Retell still reports a start time for a dial
 * nobody answered); an `error` or a status Retell adds later tells only by its duration (none: unknown).
 */
function connectedOf(call: RetellCall): boolean | undefined {
  switch (call.call_status) {
    case 'ongoing':
    case 'ended':
      return true;
    case 'not_connected':
    case 'registered':
      return false;
    default:
      return typeof call.duration_ms === 'number' ? call.duration_ms > 0 : undefined;
  }
}

/** Retell's call_cost whole, in its units (cents; unit prices in cents per second); none without a combined cost. */
function retellCostOf(cost: RetellCall['call_cost']): RetellCallCost | undefined {
  if (!cost || typeof cost.combined_cost !== 'number') return undefined;
  return {
    combinedCostCents: cost.combined_cost,
    totalDurationSeconds: cost.total_duration_seconds ?? null,
    totalDurationUnitPriceCents: cost.total_duration_unit_price ?? null,
    productCosts: (cost.product_costs ?? []).map((p) => ({
      product: p.product,
      costCents: p.cost,
      unitPriceCents: p.unit_price ?? null,
      transferLeg: p.is_transfer_leg_cost ?? false,
    })),
  };
}

/** The transcript an event carries (the full one on call_ended and call_analyzed). */
export function transcriptOf(body: KnownRetellWebhookEvent): string | undefined {
  return body.call.transcript ?? undefined;
}
