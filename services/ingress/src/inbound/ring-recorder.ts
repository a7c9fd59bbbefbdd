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

/**
 * Records a call_inbound on the Retell events topic after it was answered, as Retell sent it
 * (bytes unchanged), keyed by its call id. The answer never waits for the broker: the produce runs
 * behind it and is tried again a few times. The id is deterministic (`<call_id>:call_inbound`), so
 * a ring recorded twice is one event to every consumer's inbox.
 */
export function makeRingRecorder(deps: RingRecorderDeps) {
  const attempts = deps.attempts ?? 3;
  const firstPause = deps.firstPauseMs ?? 500;
  return function recordRing(rawBody: Buffer, request: CallInboundRequest): void {
    const callId = request.call_inbound.call_id ?? undefined;
    const id = callId
      ? `${callId}:call_inbound`
      : `call_inbound:${createHash('sha256').update(rawBody).digest('hex').slice(0, 16)}`;
    const key = callId ?? request.call_inbound.to_number;
    const headers = eventHeaders({
      id,
      type: retellEventType('call_inbound'),
      source: deps.source,
      time: new Date(deps.clock()).toISOString(),
      subject: key,
      correlationId: key,
      traceparent: newTraceparent(),
    });
    void (async () => {
      for (let attempt = 1, pause = firstPause; ; attempt++, pause *= 2) {
        const schemaId = deps.topicSchemaId();
        try {
          if (schemaId === undefined) throw new Error('schema not registered yet');
          await deps.publisher.publish({ key, value: frameJson(schemaId, rawBody), headers });
          return deps.onRecorded('stored');
        } catch {
          if (attempt >= attempts) return deps.onRecorded(schemaId === undefined ? 'not_ready' : 'failed');
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    })();
  };
}
