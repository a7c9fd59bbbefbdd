import type {
  BookingCommandAnsweredV1,
  BookingCommandV1,
  BookingOutcomeV1,
  CancelRequestedV1,
  CommandResult,
  EventEnvelope,
  RescheduleRequestedV1,
} from '@rb/contracts';
import { BookingCommandV1Schema } from '@rb/contracts';
import type { MessageHandler, OutboxEvent, Sql, Transactions } from '@rb/kafka-runner';
import { decodeContractMessage } from '@rb/kafka-runner';
import type { AlternativesObserver, SettlingRequest } from '../alternatives/offered-alternatives.repository';
import { trackAlternatives } from '../alternatives/offered-alternatives.repository';
import { outcomeEvent } from '../booking/booking-outcomes';
import type { RequestOutcome } from '../booking/booking-requests';
import { releaseLease, settleIntent, supersede } from '../booking/booking-requests';
import { claimCall, findClaim, releaseLiveClaim } from '../booking/call-claims.repository';
import { undoBooking } from '../booking/compensate-booking';
import { parkIntent, unpark } from '../booking/parked-intents.repository';
import type { Lease, Park, PrepareIntentDeps } from '../booking/prepare-intent';
import { DEFAULT_LEASE, makePrepareIntent } from '../booking/prepare-intent';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import { bookResultOf, intentOf } from './book-command';
import type { AnswerFraming } from './command-answered';
import { answerEvent, commandKindOf } from './command-answered';
import { findAnswer, saveAnswer } from './command-answers.repository';
import { repeatedAnswer } from './repeated-answer';

const callAlreadyBooked: CommandResult = {
  kind: 'refused',
  reason: 'call_already_booked',
  detail: 'the call was booked after it ended, before this command arrived',
};

/** A book's outcomes that made no booking (a failed one was looked up first when a create may have gone out). */
const BOOKED_NOTHING: ReadonlySet<RequestOutcome['type']> = new Set([
  'booking.alternatives-offered.v1',
  'booking.failed.v1',
]);

/** `parked`: a re-drive of the parked book command with this id (see redrive-parked.ts) */
export type Command = { kind: 'command'; command: BookingCommandV1; envelope: EventEnvelope; parked?: { id: string } };

/** `startedAt`: when its handling began (performance.now()), for the answer's duration */
export type CommandPrepared =
  /**
   * answered before (the same idempotency key): that answer again, repeated, and nothing else; a
   * booking it names that no longer holds is answered booking_not_active (see repeated-answer.ts)
   */
  | { kind: 'repeat'; result: CommandResult; startedAt: number }
  /** its request was settled by another handling meanwhile: that handling's answer, repeated */
  | { kind: 'settled'; startedAt: number }
  /**
   * answered now; with the outcome a book command's booking came to (a change emitted its own);
   * `superseded`: a book whose call its post-call intent claimed before the book's create
   */
  | {
      kind: 'answer';
      result: CommandResult;
      outcome?: RequestOutcome;
      gateway?: CalcomGateway;
      superseded?: true;
      startedAt: number;
    }
  /** a book command whose Cal.com is unavailable: answered when its re-drive gets through */
  | Park;

/**
 * makeChangeForCaller's use case (commands/change-for-caller.ts): a caller's reschedule or cancel;
 * `beforeChange` runs once the booking proved the caller's and active, before Cal.com is asked
 */
export type ChangeForCaller = (
  command: RescheduleRequestedV1 | CancelRequestedV1,
  beforeChange?: () => Promise<void>,
) => Promise<CommandResult>;

export interface BookingCommandsDeps extends PrepareIntentDeps, AnswerFraming {
  /** the compensation's own transaction (the consumer's could not commit) */
  transactions: Transactions;
  changeForCaller: ChangeForCaller;
  lease?: Lease;
  onOutcome?: (outcome: BookingOutcomeV1) => void;
  /** a book command was parked (in the consumer's transaction): due for its re-drive after `retryAfterMs` */
  onParked?: (park: Park) => void;
  /** an answer was written; `seconds` since its handling began (undefined for a re-drive) */
  onAnswered?: (answer: BookingCommandAnsweredV1, seconds: number | undefined) => void;
  /** a book's slot_taken alternatives, or a booking at an alternative offered to its call, committed (once per key) */
  onAlternatives?: AlternativesObserver;
}

/**
 * booking.commands.v1 → booking.command-results.v1 (and booking.outcomes.v1), with the standard
 * recipe. A live command claims its call (call_claims) only when it is about to change something:
 * a book right before its Cal.com create, a reschedule or cancel once the booking proved the
 * caller's; a refused command leaves the call to its post-call intent. A book command becomes an
 * intent and takes the intents' exactly-once path in `prepare` (lease, "create sent" mark,
 * look-up-before-create, parking while its Cal.com is unavailable); it is refused
 * `call_already_booked` when the call's post-call intent claimed it first, and gives its claim back
 * when it booked nothing (slot taken, refused). A reschedule or cancel is the caller's change
 * (change-for-caller.ts), which records and emits its own outcome. `apply`
 * writes, in one transaction, the request's outcome and its outbox row, the key's first answer
 * (command_answers) and the answer itself. A command whose key was answered before is answered
 * the same way again (`repeated`), with no Cal.com call and no second outcome, unless the booking
 * that answer names was cancelled or moved since: then it is refused `booking_not_active`.
 */
export function makeBookingCommands(deps: BookingCommandsDeps): MessageHandler<Command, CommandPrepared> {
  const lease = deps.lease ?? DEFAULT_LEASE;
  const prepareIntent = makePrepareIntent(deps, lease);

  async function prepare(event: Command, producedAt: number): Promise<CommandPrepared> {
    const startedAt = performance.now();
    const { command } = event;
    const answered = await findAnswer(deps.db, command.idempotencyKey);
    if (answered) return { kind: 'repeat', result: await repeatedAnswer(deps.db, command, answered), startedAt };
    if (command.type !== 'booking.book-requested.v1') {
      const claim = async () => void (await claimCall(deps.db, command.callId, 'live', command.idempotencyKey));
      return { kind: 'answer', result: await deps.changeForCaller(command, claim), startedAt };
    }
    // a look only: the book claims the call right before its create (prepare-intent.ts)
    if ((await findClaim(deps.db, command.callId))?.source === 'intent') {
      return { kind: 'answer', result: callAlreadyBooked, startedAt };
    }
    const intent = intentOf(command);
    const parked = event.parked ? { parked: event.parked } : {};
    const prepared = await prepareIntent({ kind: 'intent', intent, envelope: event.envelope, ...parked }, producedAt);
    switch (prepared.kind) {
      case 'park':
        return prepared;
      case 'nothing':
        return { kind: 'settled', startedAt };
      case 'superseded':
        return { kind: 'answer', result: callAlreadyBooked, superseded: true, startedAt };
      case 'outcome': {
        const { outcome, gateway, publicId } = prepared;
        return {
          kind: 'answer',
          result: bookResultOf(outcome, command, publicId),
          outcome,
          startedAt,
          ...(gateway ? { gateway } : {}),
        };
      }
    }
  }

  /** The answer's outbox row, counted. */
  function answer(event: Command, result: CommandResult, repeated: boolean, startedAt: number): OutboxEvent {
    const built = answerEvent(event.command, result, repeated, event.envelope, deps);
    const seconds = event.parked ? undefined : (performance.now() - startedAt) / 1000;
    deps.onAnswered?.(built.answer, seconds);
    return built.event;
  }

  /** Another handling answered the key first: its answer again (none if it gave none). */
  async function answerStored(sql: Sql, event: Command, startedAt: number): Promise<OutboxEvent[]> {
    const stored = await findAnswer(sql, event.command.idempotencyKey);
    return stored ? [answer(event, stored, true, startedAt)] : [];
  }

  return {
    decode(message) {
      const { envelope, value } = decodeContractMessage(message, BookingCommandV1Schema, 'booking command');
      return { eventId: envelope.id, eventType: value.type, event: { kind: 'command', command: value, envelope } };
    },

    prepare: (event, message) => prepare(event, message.timestamp),

    async apply(event, { sql, prepared, message }) {
      const { command, envelope } = event;
      if (event.parked) await unpark(sql, event.parked.id);
      switch (prepared.kind) {
        case 'park':
          await parkIntent(sql, {
            ...prepared,
            eventId: envelope.id,
            callId: command.callId,
            companyId: command.attribution.companyId,
            idempotencyKey: command.idempotencyKey,
            message,
          });
          await releaseLease(sql, command.idempotencyKey, lease.owner);
          deps.onParked?.(prepared);
          return [];
        case 'repeat':
          return [answer(event, prepared.result, true, prepared.startedAt)];
        case 'settled':
          return answerStored(sql, event, prepared.startedAt);
        case 'answer': {
          const emitted: OutboxEvent[] = [];
          // settled otherwise meanwhile (another handling of this command): that handling's answer stands
          if (prepared.superseded && !(await supersede(sql, command.idempotencyKey))) {
            return answerStored(sql, event, prepared.startedAt);
          }
          if (prepared.outcome) {
            // another handling of this command committed its outcome first: its answer stands
            if (!(await settleIntent(sql, prepared.outcome))) return answerStored(sql, event, prepared.startedAt);
            // booked nothing: the claim its create took is given back to the post-call intent
            if (BOOKED_NOTHING.has(prepared.outcome.type)) {
              await releaseLiveClaim(sql, command.callId, command.idempotencyKey);
            }
            const outcome = await trackAlternatives(sql, prepared.outcome, settlingOf(command), deps.onAlternatives);
            deps.onOutcome?.(outcome);
            emitted.push(outcomeEvent(outcome, envelope, deps));
          }
          if (!(await saveAnswer(sql, command.idempotencyKey, commandKindOf(command), prepared.result))) {
            return [...emitted, ...(await answerStored(sql, event, prepared.startedAt))];
          }
          return [...emitted, answer(event, prepared.result, false, prepared.startedAt)];
        }
      }
    },

    async compensate(event, prepared, cause) {
      if (prepared.kind !== 'answer' || prepared.outcome?.type !== 'booking.confirmed.v1' || !prepared.gateway) return;
      await undoBooking(prepared.outcome, prepared.gateway, cause, event.envelope, deps);
    },
  };
}

/** What a book command settles: its service's event type, as the live call's (only a book has an outcome). */
function settlingOf(command: BookingCommandV1): SettlingRequest {
  if (command.type !== 'booking.book-requested.v1') throw new Error(`${command.type} settles no booking outcome`);
  return { eventTypeId: command.service.calcomEventTypeId, source: intentOf(command).source };
}
