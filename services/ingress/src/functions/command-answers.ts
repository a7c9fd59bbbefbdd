import type { BookingCommandAnsweredV1, CommandRefusal, CommandResult, Instant } from '@rb/contracts';
import type { SpokenLanguage } from '../inbound/agent-variables';
import type { SlotIds } from './slot-id';
import { isoWithOffset, spokenStart } from './spoken-time';

export type CommandName = BookingCommandAnsweredV1['command'];

/**
 * What a command's tool call ended in, counted by: booking's answer (its result's kind, a refusal
 * by its reason), no answer within the deadline, or the command never stored.
 */
export type CommandOutcome =
  | Exclude<CommandResult['kind'], 'refused'>
  | CommandRefusal
  | 'deadline_passed'
  | 'produce_unknown'
  | 'produce_failed'
  | 'busy';

/** One alternative start after the chosen one was taken: booked with its new slot id. */
export interface OfferedAlternative {
  slot_id: string;
  beginn: string;
  gesprochen: string;
  strategie: string;
}

export type CommandAnswerBody =
  | {
      ok: true;
      /** confirmed/pending: booked (pending: the business still confirms); in_bearbeitung: no answer yet */
      status: 'confirmed' | 'pending' | 'rescheduled' | 'cancelled' | 'in_bearbeitung';
      booking_id?: string;
      /** ISO 8601 with the branch's offset */
      beginn?: string;
      gesprochen?: string;
      dienstleistung?: string;
      hinweis_fuer_agent: string;
    }
  | { ok: false; fehler: 'slot_taken'; alternativen: OfferedAlternative[]; hinweis_fuer_agent: string }
  | { ok: false; fehler: CommandRefusal | 'commands_unavailable'; hinweis_fuer_agent: string };

/** What the sentences need to know about the call besides booking's answer. */
export interface AnswerFacts {
  language: SpokenLanguage;
  /** the business, named in the promise after the deadline */
  companyName: string;
  /** new slot ids for alternatives: the branch and the service's event type they book */
  slotIds: SlotIds;
  branchId: string;
  eventTypeId: number;
}

/** booking's answer as the LLM reads it: ok, what happened, the start spoken, and what to say. */
export function commandAnswer(
  command: CommandName,
  result: CommandResult,
  facts: AnswerFacts,
): { outcome: CommandOutcome; body: CommandAnswerBody } {
  const words = WORDS[facts.language];
  switch (result.kind) {
    case 'booked':
    case 'rescheduled': {
      const { appointment } = result;
      const when = spoken(appointment.start, facts.language);
      const pending = appointment.status === 'pending';
      return {
        outcome: result.kind,
        body: {
          ok: true,
          status: result.kind === 'rescheduled' ? 'rescheduled' : pending ? 'pending' : 'confirmed',
          booking_id: appointment.bookingId,
          ...when,
          dienstleistung: appointment.serviceName,
          hinweis_fuer_agent: words[result.kind](when.gesprochen, spelled(appointment.bookingId), pending),
        },
      };
    }
    case 'cancelled': {
      const when = spoken(result.start, facts.language);
      return {
        outcome: 'cancelled',
        body: {
          ok: true,
          status: 'cancelled',
          booking_id: result.bookingId,
          ...when,
          hinweis_fuer_agent: words.cancelled(when.gesprochen),
        },
      };
    }
    case 'slot_taken': {
      const alternatives = result.alternatives.slice(0, 3).map((alternative) => ({
        slot_id: facts.slotIds.encode({
          branchId: facts.branchId,
          eventTypeId: facts.eventTypeId,
          startUtc: alternative.start.utc,
        }),
        ...spoken(alternative.start, facts.language),
        strategie: alternative.strategy,
      }));
      return {
        outcome: 'slot_taken',
        body: {
          ok: false,
          fehler: 'slot_taken',
          alternativen: alternatives,
          hinweis_fuer_agent: words.slotTaken(command, alternatives.length > 0),
        },
      };
    }
    case 'refused':
      return {
        outcome: result.reason,
        body: { ok: false, fehler: result.reason, hinweis_fuer_agent: REFUSALS[facts.language][result.reason] },
      };
  }
}

/**
 * No answer within the deadline: the command is stored (or, produce_unknown, may be: the broker
 * did not acknowledge it in time) and booking carries it out, so the agent says it is being done
 * and promises no outcome. Only a book promises that the business gets in touch if it fails:
 * booking's failed booking outcome asks the business for a call back. A move or cancellation
 * refused late reaches nobody, so the caller hears to ask again (find_appointments shows the state).
 */
export function inProgressAnswer(
  command: CommandName,
  facts: Pick<AnswerFacts, 'language' | 'companyName'>,
  outcome: Extract<CommandOutcome, 'deadline_passed' | 'produce_unknown'> = 'deadline_passed',
): { outcome: CommandOutcome; body: CommandAnswerBody } {
  return {
    outcome,
    body: {
      ok: true,
      status: 'in_bearbeitung',
      hinweis_fuer_agent: WORDS[facts.language].inProgress(command, facts.companyName),
    },
  };
}

/** The command was definitely not stored (never handed to the broker, or ingress is overloaded): nothing happened. */
export function notSentAnswer(
  outcome: Extract<CommandOutcome, 'produce_failed' | 'busy'>,
  language: SpokenLanguage,
): { outcome: CommandOutcome; body: CommandAnswerBody } {
  return { outcome, body: { ok: false, fehler: 'commands_unavailable', hinweis_fuer_agent: WORDS[language].notSent } };
}

function spoken(instant: Instant, language: SpokenLanguage): { beginn: string; gesprochen: string } {
  const start = new Date(instant.utc);
  return { beginn: isoWithOffset(start, instant.timeZone), gesprochen: spokenStart(start, instant.timeZone, language) };
}

/** `bk_7Q2M9XK4` → `7 Q 2 M 9 X K 4`: what the agent reads out, one character at a time */
export const spelled = (bookingId: string): string => [...bookingId.replace(/^bk_/, '')].join(' ');

interface Words {
  booked(when: string, number: string, pending: boolean): string;
  rescheduled(when: string, number: string, pending: boolean): string;
  cancelled(when: string): string;
  slotTaken(command: CommandName, hasAlternatives: boolean): string;
  inProgress(command: CommandName, company: string): string;
  notSent: string;
}

const WORDS: Record<SpokenLanguage, Words> = {
  de: {
    booked: (when, number, pending) =>
      pending
        ? `Der Termin am ${when} ist eingetragen, muss aber vom Betrieb noch bestätigt werden. Sag das so und nenne die Buchungsnummer: ${number}.`
        : `Der Termin am ${when} ist fest gebucht. Bestätige ihn und nenne die Buchungsnummer: ${number}.`,
    rescheduled: (when, number, pending) =>
      pending
        ? `Der Termin ist auf ${when} verlegt, der Betrieb muss die neue Zeit noch bestätigen. Sag das so; die Buchungsnummer bleibt ${number}.`
        : `Der Termin ist auf ${when} verlegt. Bestätige das; die Buchungsnummer bleibt ${number}.`,
    cancelled: (when) => `Der Termin am ${when} ist abgesagt. Bestätige die Absage.`,
    slotTaken: (command, hasAlternatives) =>
      hasAlternatives
        ? `Diese Zeit ist inzwischen vergeben. Sag das und biete höchstens zwei der Alternativen mit ihrem Text aus „gesprochen“ an; ${command === 'book' ? 'zum Buchen' : 'zum Verlegen'} gib deren slot_id unverändert weiter.`
        : 'Diese Zeit ist inzwischen vergeben, und in der Nähe ist nichts frei. Sag das und frag mit check_availability nach einem anderen Tag.',
    inProgress: (command, company) =>
      command === 'book'
        ? `Sag genau das: „${IN_PROGRESS_DE.book}; falls etwas nicht klappt, meldet sich das Team von ${company} bei Ihnen.“ Nenne keine Buchungsnummer und sag nicht, dass es bestätigt ist.`
        : `Sag genau das: „${IN_PROGRESS_DE[command]}; das ist noch nicht bestätigt. Ich kann gleich nachsehen, ob es geklappt hat, oder Sie fragen später noch einmal nach.“ Sag nicht, dass es bestätigt ist, und versprich keinen Rückruf. Will der Anrufer es wissen, rufe nach einem Moment find_appointments auf.`,
    notSent:
      'Das hat gerade nicht geklappt, es wurde nichts geändert. Bitte um einen Moment und rufe die Funktion mit denselben Angaben noch einmal auf; klappt es wieder nicht, entschuldige dich und biete an, dass der Betrieb zurückruft.',
  },
  en: {
    booked: (when, number, pending) =>
      pending
        ? `The appointment on ${when} is entered but the business still has to confirm it. Say so and give the booking number: ${number}.`
        : `The appointment on ${when} is booked. Confirm it and give the booking number: ${number}.`,
    rescheduled: (when, number, pending) =>
      pending
        ? `The appointment is moved to ${when}; the business still has to confirm the new time. Say so; the booking number stays ${number}.`
        : `The appointment is moved to ${when}. Confirm it; the booking number stays ${number}.`,
    cancelled: (when) => `The appointment on ${when} is cancelled. Confirm the cancellation.`,
    slotTaken: (command, hasAlternatives) =>
      hasAlternatives
        ? `That time has just been taken. Say so and offer at most two of the alternatives using their "gesprochen" text; to ${command === 'book' ? 'book' : 'move to'} one, pass its slot_id on unchanged.`
        : 'That time has just been taken and nothing nearby is free. Say so and ask check_availability about another day.',
    inProgress: (command, company) =>
      command === 'book'
        ? `Say exactly this: "${IN_PROGRESS_EN.book}; if anything goes wrong, the team at ${company} will get back to you." Give no booking number and do not say it is confirmed.`
        : `Say exactly this: "${IN_PROGRESS_EN[command]}; it is not confirmed yet. I can check in a moment whether it went through, or you can ask again later." Do not say it is confirmed and do not promise a callback. If the caller wants to know, call find_appointments after a moment.`,
    notSent:
      'That did not work just now and nothing was changed. Ask for a moment and call the function again with the same details; if it fails again, apologise and offer a callback from the business.',
  },
};

const IN_PROGRESS_DE: Record<CommandName, string> = {
  book: 'Ich trage den Termin gerade ein',
  reschedule: 'Ich verlege den Termin gerade',
  cancel: 'Ich sage den Termin gerade ab',
};
const IN_PROGRESS_EN: Record<CommandName, string> = {
  book: 'I am entering the appointment now',
  reschedule: 'I am moving the appointment now',
  cancel: 'I am cancelling the appointment now',
};

const REFUSALS: Record<SpokenLanguage, Record<CommandRefusal, string>> = {
  de: {
    booking_not_found:
      'Unter dieser Buchungsnummer gibt es für die Rufnummer des Anrufers keinen Termin. Prüfe die Nummer mit dem Anrufer oder rufe find_appointments auf.',
    caller_unknown:
      'Die Rufnummer des Anrufers ist nicht bekannt, deshalb kann ich seine Termine weder finden noch ändern. Entschuldige dich und biete an, dass der Betrieb zurückruft.',
    booking_not_active:
      'Dieser Termin ist schon abgesagt oder verlegt. Rufe find_appointments auf, um die aktuellen Termine des Anrufers zu sehen.',
    change_in_progress:
      'An diesem Termin wird gerade schon etwas geändert. Bitte um einen Moment und rufe die Funktion dann noch einmal auf.',
    call_already_booked:
      'In diesem Anruf ist schon ein Termin eingetragen worden. Buche keinen weiteren; sag dem Anrufer, dass sein Termin schon eingetragen ist.',
    cancellation_window_passed:
      'So kurzfristig lässt sich der Termin nicht mehr telefonisch ändern. Sag das und biete an, dass der Betrieb zurückruft.',
    slot_not_bookable:
      'Diese Zeit kann nicht gebucht werden. Sag das und frag mit check_availability nach einer anderen Zeit.',
    calendar_refused:
      'Der Kalender des Betriebs nimmt gerade nichts an, es wurde nichts geändert. Entschuldige dich und biete an, dass der Betrieb zurückruft.',
    calcom_not_configured:
      'Für diesen Betrieb ist die Terminbuchung am Telefon nicht eingerichtet. Entschuldige dich und biete an, dass der Betrieb zurückruft.',
    calendar_unavailable:
      'Der Kalender antwortet gerade nicht, es wurde nichts geändert. Bitte, es in ein paar Minuten noch einmal zu versuchen, oder biete an, dass der Betrieb zurückruft.',
  },
  en: {
    booking_not_found:
      'There is no appointment with this booking number for the caller’s phone number. Check the number with the caller or call find_appointments.',
    caller_unknown:
      'The caller’s number is not known, so I can neither find nor change their appointments. Apologise and offer a callback from the business.',
    booking_not_active:
      'This appointment is already cancelled or moved. Call find_appointments to see the caller’s current appointments.',
    change_in_progress: 'This appointment is being changed right now. Ask for a moment, then call the function again.',
    call_already_booked:
      'An appointment has already been entered in this call. Do not book another; tell the caller their appointment is already entered.',
    cancellation_window_passed:
      'It is too late to change this appointment by phone. Say so and offer a callback from the business.',
    slot_not_bookable: 'That time cannot be booked. Say so and ask check_availability about another time.',
    calendar_refused:
      'The business’s calendar is not accepting anything right now; nothing was changed. Apologise and offer a callback from the business.',
    calcom_not_configured:
      'Booking by phone is not set up for this business. Apologise and offer a callback from the business.',
    calendar_unavailable:
      'The calendar is not answering right now; nothing was changed. Ask them to try again in a few minutes, or offer a callback from the business.',
  },
};
