import { createHash } from 'node:crypto';
import type { CallInboundRequest } from '@rb/contracts';
import { frameJson, newTraceparent, retellEventType } from '@rb/contracts';
import { eventHeaders } from '@rb/kafka-runner/produce';
import type { EventPublisher } from '../webhooks/ports';

export type RecordOutcome = 'stored' | 'failed' | 'not_ready';

export interface RingRecorderDeps {
  publisher: EventPublisher;
  /** the registry id of the Retell events topic's value schema; undefined until it is registered */
  topicSchemaId: () => number | undefined;
  source: string;
  clock: () => number;
  /** attempts per ring (the answer never waits for them) and the pause before the second */
  attempts?: number;
  firstPauseMs?: number;
  onRecorded: (outcome: RecordOutcome) => void;
}

export interface RingRecorder {
  /** starts recording and returns at once: the answer to call_inbound never waits for the broker */
  record(rawBody: Buffer, request: CallInboundRequest): void;
  /** waits for the rings still being recorded (their next attempt is not waited for once stopping) */
  drain(): Promise<void>;
}

/**
 * Records a call_inbound on the Retell events topic after it was answered, as Retell sent it
 * (bytes unchanged), keyed by its call id. The answer never waits for the broker: the produce runs
 * behind it and is tried again a few times. The id is deterministic (`<call_id>:call_inbound`), so
 * a ring recorded twice is one event to every consumer's inbox. A ring without a call id is keyed
 * by a digest of its body: phone numbers never go into keys or headers.
 */
export function makeRingRecorder(deps: RingRecorderDeps): RingRecorder {
  const attempts = deps.attempts ?? 3;
  const firstPause = deps.firstPauseMs ?? 500;
  const pending = new Set<Promise<void>>();
  let stopping = false;

  const produce = async (key: string, rawBody: Buffer, headers: Record<string, string>): Promise<void> => {
    for (let attempt = 1, pause = firstPause; ; attempt++, pause *= 2) {
      const schemaId = deps.topicSchemaId();
      try {
        if (schemaId === undefined) throw new Error('schema not registered yet');
        await deps.publisher.publish({ key, value: frameJson(schemaId, rawBody), headers });
        return deps.onRecorded('stored');
      } catch {
        if (attempt >= attempts || stopping) return deps.onRecorded(schemaId === undefined ? 'not_ready' : 'failed');
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  };

  return {
    record(rawBody, request) {
      const callId = request.call_inbound.call_id ?? undefined;
      const key = callId ?? `call_inbound:${createHash('sha256').update(rawBody).digest('hex').slice(0, 16)}`;
      const headers = eventHeaders({
        id: callId ? `${callId}:call_inbound` : key,
        type: retellEventType('call_inbound'),
        source: deps.source,
        time: new Date(deps.clock()).toISOString(),
        subject: key,
        correlationId: key,
        traceparent: newTraceparent(),
      });
      const recording = produce(key, rawBody, headers).finally(() => pending.delete(recording));
      pending.add(recording);
    },
    async drain() {
      stopping = true;
      await Promise.all([...pending]);
    },
  };
}
