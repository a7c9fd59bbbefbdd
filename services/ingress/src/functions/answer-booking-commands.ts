import type {
  BookingCommandV1,
  BookRequestedV1,
  CancelRequestedV1,
  Instant,
  RescheduleRequestedV1,
  TenantAttribution,
} from '@rb/contracts';
import type { BranchRoute } from '../directory/routing-directory';
import { spokenLanguageOf } from '../inbound/agent-variables';
import type { SpokenLanguage } from '../inbound/agent-variables';
import type { FunctionProblem, HintFacts } from './agent-hints';
import { problemAnswer } from './agent-hints';
import { availabilityAnswer, MAX_OFFERS } from './availability-answer';
import type { AskAvailability } from './booking-availability-client';
import type { FindAppointments } from './booking-appointments-client';
import type { CallContext } from './call-context';
import { phoneOf } from './call-context';
import type { CommandName } from './command-answers';
import { commandAnswer, inProgressAnswer, notSentAnswer } from './command-answers';
import { readBookArgs, readCancelArgs, readRescheduleArgs } from './command-args';
import { idempotencyKeys } from './command-keys';
import type { AwaitReplies } from './command-replies';
import type { SendCommand } from './command-sender';
import type { FunctionAnswer } from './function-answer';
import type { SlotIds, SlotRef } from './slot-id';
import { isoWithOffset, spokenDay } from './spoken-time';
import { readWishedTime } from './wished-time';

/** What a command ended in, as counted by ingress_booking_commands_total (booking's refusals as one). */
export type CommandReport = {
  command: CommandName;
  outcome:
    | 'booked'
    | 'rescheduled'
    | 'cancelled'
    | 'slot_taken'
    | 'refused'
    | 'deadline_passed'
    | 'produce_unknown'
    | 'produce_failed'
    | 'busy'
    | 'not_ready';
  /** from handing the command over to its answer or deadline (absent when it was never sent) */
  waitedSeconds?: number;
};

export interface BookingCommandsDeps {
  slotIds: SlotIds;
  send: SendCommand;
  replies: AwaitReplies;
  /**
   * whether commands can be sent and answered now: the replies consumer has its offsets (else an
   * answer could pass unseen) and the commands' schema is registered. Not ready: book, reschedule
   * and cancel answer ok:false not_ready (ask again in a moment) and nothing is sent.
   */
  commandsReady: () => boolean;
  /** how long the caller waits for booking's answer before hearing "being entered" (COMMAND_DEADLINE_MS) */
  deadlineMs: number;
  clock: () => number;
  /** a fresh uuid per HTTP request: the command's correlation id */
  newCommandId: () => string;
  /** the directory id of the number this call reached, for the branch (by the dialled number, else the branch's only one) */
  phoneNumberOf: (branchId: string, dialled: string | undefined) => string | undefined;
  /** a move to a time in the caller's words: the booking's service, then its free starts; undefined when not configured */
  findAppointments: FindAppointments | undefined;
  askAvailability: AskAvailability | undefined;
  onCommand?: (report: CommandReport) => void;
  /** a command of ours that breaks its contract: a bug, logged without values */
  onInvalid?: (command: CommandName, detail: string) => void;
}

type Answer = (route: BranchRoute, args: Record<string, unknown>, call: CallContext) => Promise<FunctionAnswer>;

/**
 * book_appointment, reschedule_appointment and cancel_appointment during a live call: the
 * arguments and the call are turned into a command on booking.commands.v1, and the request waits
 * for booking's answer on booking.command-results.v1 up to the deadline. What can be refused here
 * (no call id, no caller number where one is needed, a slot id not made in this branch, a booking
 * number that is none) is answered at once and nothing is sent. Past the deadline the caller hears
 * that it is being done: the command is stored and booking completes it.
 */
export function makeBookingCommands(deps: BookingCommandsDeps): {
  book_appointment: Answer;
  reschedule_appointment: Answer;
  cancel_appointment: Answer;
} {
  /** the per-request facts every answer needs */
  const context = (route: BranchRoute) => {
    const language = spokenLanguageOf(route.branch.language);
    const now = new Date(deps.clock());
    const facts: HintFacts = {
      services: route.services.map((s) => s.name),
      today: spokenDay(new Intl.DateTimeFormat('sv-SE', { timeZone: route.branch.timeZone }).format(now), language),
    };
    const fail = (problem: FunctionProblem, more: HintFacts = {}, detail?: string): FunctionAnswer => ({
      outcome: problem,
      body: problemAnswer(problem, language, { ...facts, ...more }),
      ...(detail ? { detail } : {}),
    });
    return { language, now, fail };
  };

  const attribution = (route: BranchRoute, call: CallContext): TenantAttribution | undefined => {
    const phoneNumberId =
      (call.phoneNumberId && UUID.test(call.phoneNumberId) ? call.phoneNumberId : undefined) ??
      deps.phoneNumberOf(route.branch.id, call.dialled);
    return phoneNumberId ? { companyId: route.company.id, branchId: route.branch.id, phoneNumberId } : undefined;
  };

  /** a slot id made for this branch, of a service it offers, still ahead */
  const slotOf = (route: BranchRoute, slotId: string, now: Date) => {
    const check = deps.slotIds.decode(slotId, route.branch.id);
    if (check.kind === 'invalid') return { kind: 'wrong' as const, problem: 'invalid_slot' as const };
    const service = route.services.find((s) => s.calcomEventTypeId === check.slot.eventTypeId);
    if (!service) return { kind: 'wrong' as const, problem: 'invalid_slot' as const };
    if (Date.parse(check.slot.startUtc) <= now.getTime())
      return { kind: 'wrong' as const, problem: 'slot_in_past' as const };
    return { kind: 'valid' as const, slot: check.slot, service };
  };

  /** sends the command and waits for its answer up to the deadline */
  const issue = async (
    command: BookingCommandV1,
    name: CommandName,
    route: BranchRoute,
    language: SpokenLanguage,
    eventTypeId: number,
  ): Promise<FunctionAnswer> => {
    const report = (outcome: CommandReport['outcome'], started?: number) =>
      deps.onCommand?.({
        command: name,
        outcome,
        ...(started === undefined ? {} : { waitedSeconds: (performance.now() - started) / 1000 }),
      });
    if (!deps.commandsReady()) {
      report('not_ready');
      return {
        outcome: 'not_ready',
        body: problemAnswer('not_ready', language),
        detail: 'command answers or schema not ready',
      };
    }
    const started = performance.now();
    const waiting = deps.replies.expect(command.commandId, deps.deadlineMs);
    if (waiting === 'full') {
      report('busy');
      return notSentAnswer('busy', language);
    }
    const sent = await deps.send(command, deps.deadlineMs);
    if (sent.kind === 'unknown') {
      // not acknowledged in time, but it may still be stored and carried out: never "nothing changed"
      const answer = await waiting.answer;
      report(answer ? answer.result.kind : 'produce_unknown', started);
      if (answer) return commandAnswer(name, answer.result, answerFacts(route, language, eventTypeId));
      return {
        ...inProgressAnswer(name, { language, companyName: route.company.name }, 'produce_unknown'),
        detail: 'command not acknowledged in time: may be stored',
      };
    }
    if (sent.kind !== 'sent') {
      waiting.cancel();
      report('produce_failed');
      if (sent.kind === 'invalid') deps.onInvalid?.(name, sent.detail);
      return { ...notSentAnswer('produce_failed', language), detail: `command not stored: ${sent.kind}` };
    }
    const answer = await waiting.answer;
    report(answer ? answer.result.kind : 'deadline_passed', started);
    if (!answer) return inProgressAnswer(name, { language, companyName: route.company.name });
    return commandAnswer(name, answer.result, answerFacts(route, language, eventTypeId));
  };

  const answerFacts = (route: BranchRoute, language: SpokenLanguage, eventTypeId: number) => ({
    language,
    companyName: route.company.name,
    slotIds: deps.slotIds,
    branchId: route.branch.id,
    eventTypeId,
  });

  const common = (callId: string, route: BranchRoute, call: CallContext, tenant: TenantAttribution, now: Date) => ({
    callId,
    commandId: deps.newCommandId(),
    attribution: tenant,
    caller: { phone: call.callerPhone },
    requestedAt: now.toISOString(),
  });

  return {
    async book_appointment(route, args, call) {
      const { language, now, fail } = context(route);
      if (!call.callId) return fail('missing_call');
      const read = readBookArgs(args);
      if (read.kind === 'wrong') return fail(read.problem, { said: read.said });
      const chosen = slotOf(route, read.args.slotId, now);
      if (chosen.kind === 'wrong') return fail(chosen.problem);
      const tenant = attribution(route, call);
      if (!tenant) return fail('unattributed');
      const { slot, service } = chosen;
      const command: BookRequestedV1 = {
        type: 'booking.book-requested.v1',
        ...common(call.callId, route, call, tenant, now),
        idempotencyKey: idempotencyKeys.book(call.callId, deps.slotIds.encode(slot)),
        service: {
          id: service.id,
          name: service.name,
          calcomEventTypeId: service.calcomEventTypeId,
          durationMinutes: service.durationMinutes,
        },
        start: instant(slot.startUtc, route.branch.timeZone),
        customer: { name: read.args.name, phone: phoneOf(read.args.phone) ?? call.callerPhone },
        note: read.args.note ?? null,
      };
      return issue(command, 'book', route, language, slot.eventTypeId);
    },

    async reschedule_appointment(route, args, call) {
      const { language, now, fail } = context(route);
      if (!call.callId) return fail('missing_call');
      if (!call.callerPhone) return fail('caller_unknown');
      const read = readRescheduleArgs(args);
      if (read.kind === 'wrong') return fail(read.problem, { said: read.said });
      const tenant = attribution(route, call);
      if (!tenant) return fail('unattributed');
      let newStart: SlotRef;
      if (read.args.newSlotId) {
        const chosen = slotOf(route, read.args.newSlotId, now);
        if (chosen.kind === 'wrong') return fail(chosen.problem);
        newStart = chosen.slot;
      } else {
        const resolved = await startInWords(route, read.args.bookingId, read.args.newTime ?? '', call.callerPhone, {
          language,
          now,
          fail,
        });
        if (resolved.kind === 'answered') return resolved.answer;
        newStart = resolved.slot;
      }
      const command: RescheduleRequestedV1 = {
        type: 'booking.reschedule-requested.v1',
        ...common(call.callId, route, call, tenant, now),
        idempotencyKey: idempotencyKeys.reschedule(call.callId, read.args.bookingId, newStart.startUtc),
        bookingId: read.args.bookingId,
        newStart: instant(newStart.startUtc, route.branch.timeZone),
        reason: read.args.reason ?? null,
      };
      return issue(command, 'reschedule', route, language, newStart.eventTypeId);
    },

    async cancel_appointment(route, args, call) {
      const { language, now, fail } = context(route);
      if (!call.callId) return fail('missing_call');
      if (!call.callerPhone) return fail('caller_unknown');
      const read = readCancelArgs(args);
      if (read.kind === 'wrong') return fail(read.problem, { said: read.said });
      const tenant = attribution(route, call);
      if (!tenant) return fail('unattributed');
      const command: CancelRequestedV1 = {
        type: 'booking.cancel-requested.v1',
        ...common(call.callId, route, call, tenant, now),
        idempotencyKey: idempotencyKeys.cancel(call.callId, read.args.bookingId),
        bookingId: read.args.bookingId,
        reason: read.args.reason ?? null,
      };
      return issue(command, 'cancel', route, language, 0);
    },
  };

  /**
   * A new time in the caller's words, read as check_availability reads them, for the booking's own
   * service (found among the caller's bookings, the same ownership booking checks): one start that
   * is free and named exactly is the new start; anything else is answered with the free starts to
   * choose from, each with its slot id.
   */
  async function startInWords(
    route: BranchRoute,
    bookingId: string,
    words: string,
    callerPhone: string,
    { language, now, fail }: Pick<ReturnType<typeof context>, 'language' | 'now' | 'fail'>,
  ): Promise<{ kind: 'slot'; slot: SlotRef } | { kind: 'answered'; answer: FunctionAnswer }> {
    const answered = (answer: FunctionAnswer) => ({ kind: 'answered' as const, answer });
    if (!deps.findAppointments || !deps.askAvailability) return answered(fail('not_configured'));
    const { branch, company } = route;
    const appointments = await deps.findAppointments({ companyId: company.id, callerPhone });
    if (appointments.kind === 'unreachable')
      return answered(fail('calendar_unreachable', {}, `appointments unreachable: ${appointments.why}`));
    const booked = appointments.appointments.find((a) => a.bookingId === bookingId);
    if (!booked) {
      const refused = commandAnswer(
        'reschedule',
        { kind: 'refused', reason: 'booking_not_found', detail: '' },
        { language, companyName: company.name, slotIds: deps.slotIds, branchId: branch.id, eventTypeId: 0 },
      );
      return answered(refused);
    }
    const service = route.services.find((s) => s.name === booked.serviceName);
    if (!service) return answered(fail('branch_misconfigured', {}, 'the booking’s service is not offered any more'));
    const wish = readWishedTime({ wann: words }, { now, timeZone: branch.timeZone, workingDays: branch.workingDays });
    if (wish.kind === 'not_understood') return answered(fail(wish.reason));
    const result = await deps.askAvailability({
      companyId: company.id,
      branchId: branch.id,
      calcomEventTypeId: service.calcomEventTypeId,
      durationMinutes: service.durationMinutes,
      ...wish.lookFor,
      limit: MAX_OFFERS,
    });
    switch (result.kind) {
      case 'free':
      case 'none_free': {
        const wished = wish.lookFor.wishedStartUtc;
        const exact =
          result.kind === 'free' && wished !== undefined
            ? result.slots.find(
                (s) => Date.parse(s.startUtc) === Date.parse(wished) && Date.parse(s.startUtc) > now.getTime(),
              )
            : undefined;
        if (exact)
          return {
            kind: 'slot',
            slot: {
              branchId: branch.id,
              eventTypeId: service.calcomEventTypeId,
              startUtc: new Date(exact.startUtc).toISOString(),
            },
          };
        const { offer, body } = availabilityAnswer(result, {
          branchId: branch.id,
          timeZone: branch.timeZone,
          language,
          service,
          staff: { kind: 'none_asked' },
          ...(wished ? { wishedStartUtc: wished } : {}),
          now,
          slotIds: deps.slotIds,
        });
        // the times are for moving, not booking: the hint says how to move to the one chosen
        const hint = body.hinweis_fuer_agent.replace(TO_BOOK[language], '').trim();
        return answered({
          outcome: offer,
          body: { ...body, hinweis_fuer_agent: offer === 'nothing_free' ? hint : `${hint} ${CHOOSE[language]}` },
        });
      }
      case 'refused':
        return answered(fail('calendar_refused', {}, `booking refused: ${result.reason}`));
      case 'unavailable':
        return answered(fail('calendar_unavailable', {}, `booking unavailable: ${result.reason}`));
      case 'unreachable':
        return answered(fail('calendar_unreachable', {}, `booking unreachable: ${result.why}`));
    }
  }
}

/** check_availability's last sentence, which is about booking */
const TO_BOOK: Record<SpokenLanguage, string> = {
  de: 'Zum Buchen gib die slot_id unverändert weiter.',
  en: 'To book, pass the slot_id on unchanged.',
};
const CHOOSE: Record<SpokenLanguage, string> = {
  de: 'Der Termin ist noch nicht verlegt: rufe nach der Wahl des Anrufers reschedule_appointment mit der booking_id und der slot_id der gewählten Zeit in neuer_slot_id auf.',
  en: 'The appointment is not moved yet: once the caller has chosen, call reschedule_appointment with the booking_id and the chosen slot_id in neuer_slot_id.',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A start as booking's contract takes it: UTC, the branch's wall clock, its zone. */
export function instant(startUtc: string, timeZone: string): Instant {
  const start = new Date(startUtc);
  return { utc: start.toISOString(), local: isoWithOffset(start, timeZone).slice(0, 19), timeZone };
}
