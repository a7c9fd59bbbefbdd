import type { RetellCallCost } from '@rb/contracts';

/**
 * A call's current state as a pure fold of its Retell events. Retell delivers up to four times and
 * out of order (call_analyzed before call_ended happens), so `evolve` is commutative and
 * idempotent: each field keeps the value from the most complete event that had it (analysed >
 * ended > transcript update > started; ties by event id), so any order of the same events gives
 * the same state, and the replay command can check the stored state against the events.
 */
export type CallStage = 'started' | 'transcript_updated' | 'transfer' | 'ended' | 'analysed';
const RANK: Record<CallStage, number> = { started: 1, transcript_updated: 2, transfer: 2, ended: 3, analysed: 4 };

/**
 * The facts of one Retell event that the call record keeps. The transcript is not among them: it
 * is tens of KB and arrives with each late event; the call keeps the latest one in its own column.
 */
export interface CallEventFacts {
  eventId: string;
  stage: CallStage;
  callId: string;
  fields: Partial<CallFields>;
}

export interface CallFields {
  direction: 'inbound' | 'outbound' | 'web';
  fromNumber: string;
  toNumber: string;
  agentId: string;
  startedAt: string;
  /** whether the call ever connected (false: the dial failed, went unanswered or was never placed) */
  connected: boolean;
  endedAt: string;
  durationMs: number;
  disconnectionReason: string;
  /** Twilio's SID of the call, where Retell reported a well-formed one */
  twilioCallSid: string;
  /** Retell's call_cost, whole */
  retellCost: RetellCallCost;
  analysis: {
    summary: string | null;
    successful: boolean | null;
    sentiment: string | null;
    inVoicemail: boolean | null;
    custom: Record<string, unknown>;
  };
}

type Versioned<T> = { value: T; rank: number; eventId: string };
export interface CallState {
  callId: string;
  stages: CallStage[];
  fields: { [K in keyof CallFields]?: Versioned<CallFields[K]> };
}

export const emptyCall = (callId: string): CallState => ({ callId, stages: [], fields: {} });

export function evolve(state: CallState, event: CallEventFacts): CallState {
  const rank = RANK[event.stage];
  const fields = { ...state.fields } as Record<string, Versioned<unknown>>;
  for (const [name, value] of Object.entries(event.fields)) {
    if (value === undefined || value === null) continue;
    const current = fields[name];
    if (!current || rank > current.rank || (rank === current.rank && event.eventId > current.eventId)) {
      fields[name] = { value, rank, eventId: event.eventId };
    }
  }
  const stages = state.stages.includes(event.stage)
    ? state.stages
    : [...state.stages, event.stage].sort((a, b) => RANK[a] - RANK[b] || a.localeCompare(b));
  return { callId: state.callId, stages, fields: fields as CallState['fields'] };
}

/** The plain values of a state, for decisions. */
export function valuesOf(state: CallState): Partial<CallFields> {
  return Object.fromEntries(Object.entries(state.fields).map(([k, v]) => [k, v!.value])) as Partial<CallFields>;
}

/**
 * A field's value when an event of that stage gave it, else undefined: what call_analyzed itself
 * said, when later stages' values win over earlier ones. Stages ranked alike are not told apart.
 */
export function valueFromStage<K extends keyof CallFields>(
  state: CallState,
  field: K,
  stage: CallStage,
): CallFields[K] | undefined {
  const versioned = state.fields[field];
  return versioned && versioned.rank === RANK[stage] ? versioned.value : undefined;
}

export const hasStage = (state: CallState, stage: CallStage) => state.stages.includes(stage);
