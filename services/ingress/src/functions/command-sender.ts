import type { BookingCommandV1 } from '@rb/contracts';
import { BookingCommandV1Schema, frameJson, newTraceparent } from '@rb/contracts';
import { eventHeaders } from '@rb/kafka-runner/produce';
import { PublishError } from '../infra/batching-publisher';
import type { EventPublisher } from '../webhooks/ports';

/**
 * sent: the broker acknowledged it (acks=all); failed: definitely not stored (never handed to the
 * broker: too many waiting, shutting down, still queued at the deadline, no connection), so nothing
 * will happen unless the same command is sent again; unknown: handed to the broker but not
 * acknowledged within the time given (or its request timed out), so it may still be stored and
 * carried out; not_ready: the topic's schema is not registered yet; invalid: our own command breaks
 * the contract (a bug, logged by the caller).
 */
export type SendResult =
  { kind: 'sent' } | { kind: 'failed' | 'unknown' | 'not_ready' } | { kind: 'invalid'; detail: string };

/** The port the command use cases send through; the Kafka sender below, or a fake in tests. */
export type SendCommand = (command: BookingCommandV1, withinMs: number) => Promise<SendResult>;

export interface CommandSenderDeps {
  publisher: EventPublisher;
  /** the registry id of booking.commands.v1's value schema; undefined until it is registered */
  topicSchemaId: () => number | undefined;
  source: string;
}

/**
 * Writes a command to booking.commands.v1 as every emitter of the project writes events: keyed by
 * the call id (one call's commands in order on one partition), the value registry-framed and
 * checked against its contract, CloudEvents headers whose id is the command id (one request, one
 * event; the idempotency key names the effect) and whose correlation id is the command id too, so
 * booking's answer can be followed back. No personal data in key or headers.
 */
export function makeCommandSender(deps: CommandSenderDeps): SendCommand {
  return async function sendCommand(command, withinMs) {
    const schemaId = deps.topicSchemaId();
    if (schemaId === undefined) return { kind: 'not_ready' };
    const checked = BookingCommandV1Schema.safeParse(command);
    if (!checked.success)
      return {
        kind: 'invalid',
        detail: checked.error.issues
          .slice(0, 5)
          .map((issue) => issue.path.join('.') || '(root)')
          .join(', '),
      };
    const headers = eventHeaders({
      id: command.commandId,
      type: command.type,
      source: deps.source,
      time: command.requestedAt,
      subject: command.callId,
      correlationId: command.commandId,
      traceparent: newTraceparent(),
    });
    const published = deps.publisher.publish({
      key: command.callId,
      value: frameJson(schemaId, Buffer.from(JSON.stringify(checked.data))),
      headers,
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)));
    try {
      const settled = await Promise.race([published.then(() => 'sent' as const), late]);
      // still waiting for the broker's answer at the deadline: it may yet be acknowledged
      return { kind: settled === 'sent' ? 'sent' : 'unknown' };
    } catch (error) {
      return { kind: mayBeStored(error) ? 'unknown' : 'failed' };
    } finally {
      clearTimeout(timer);
      published.catch(() => undefined);
    }
  };
}

/**
 * Whether a failed publish may still have stored the command: a produce request that timed out
 * may have been written by the broker. Refused before sending (too many waiting, shutting down,
 * still queued at its deadline) or a connection that failed cannot have stored it.
 */
function mayBeStored(error: unknown): boolean {
  if (!(error instanceof PublishError) || error.code !== 'PRODUCE_FAILED') return false;
  for (let cause: unknown = error.cause, depth = 0; cause && depth < 5; depth++) {
    if ((cause as { name?: unknown }).name === 'KafkaJSRequestTimeoutError') return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
