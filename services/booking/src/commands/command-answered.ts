import type { BookingCommandAnsweredV1, BookingCommandV1, CommandResult, EventEnvelope } from '@rb/contracts';
import { TOPICS } from '@rb/contracts';
import type { OutboxEvent } from '@rb/kafka-runner';
import { buildOutboxEvent } from '@rb/kafka-runner';
import type { OutcomeFraming } from '../booking/booking-outcomes';
import type { CommandKind } from './command-answers.repository';

/** What framing an answer for the outbox needs: an outcome's framing, and its own topic. */
export interface AnswerFraming extends OutcomeFraming {
  /** booking.command-results.v1 (tests use their own) */
  commandResultsTopic?: string;
}

const COMMAND_OF: Record<BookingCommandV1['type'], CommandKind> = {
  'booking.book-requested.v1': 'book',
  'booking.reschedule-requested.v1': 'reschedule',
  'booking.cancel-requested.v1': 'cancel',
};

export const commandKindOf = (command: BookingCommandV1): CommandKind => COMMAND_OF[command.type];

/**
 * booking.command-answered.v1 on booking.command-results.v1, keyed by call id, correlated by the
 * command's id (the ingress replica that asked waits for it); its event id names that command.
 */
export function answerEvent(
  command: BookingCommandV1,
  result: CommandResult,
  repeated: boolean,
  cause: EventEnvelope,
  deps: AnswerFraming,
): { event: OutboxEvent; answer: BookingCommandAnsweredV1 } {
  const topic = deps.commandResultsTopic ?? TOPICS.bookingCommandResults;
  const now = deps.clock().toISOString();
  const answer: BookingCommandAnsweredV1 = {
    type: 'booking.command-answered.v1',
    callId: command.callId,
    commandId: command.commandId,
    idempotencyKey: command.idempotencyKey,
    command: commandKindOf(command),
    repeated,
    result,
    answeredAt: now,
  };
  const event = buildOutboxEvent(
    { topic, key: command.callId },
    {
      id: `${command.commandId}:${answer.type}`,
      type: answer.type,
      source: deps.source,
      time: now,
      subject: command.callId,
      correlationId: command.commandId,
      cause: { id: cause.id, traceparent: cause.traceparent },
    },
    () => deps.encode(topic, answer),
  );
  return { event, answer };
}
