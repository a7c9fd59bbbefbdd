import type { BranchRoute } from '../directory/routing-directory';
import { spokenLanguageOf } from '../inbound/agent-variables';
import type { SpokenLanguage } from '../inbound/agent-variables';
import { problemAnswer } from './agent-hints';
import type { FindAppointments } from './booking-appointments-client';
import type { CallContext } from './call-context';
import type { FunctionAnswer } from './function-answer';
import { isoWithOffset, spokenStart } from './spoken-time';

export type FindOutcome = 'found' | 'none_found';

/** One of the caller's upcoming bookings as the LLM reads it. */
export interface Match {
  /** what reschedule_appointment and cancel_appointment take */
  booking_id: string;
  dienstleistung: string;
  /** ISO 8601 with the branch's offset */
  beginn: string;
  gesprochen: string;
  /** pending: the business has not confirmed it yet */
  status: 'confirmed' | 'pending';
}

export interface FindAppointmentsAnswer {
  ok: true;
  treffer: Match[];
  hinweis_fuer_agent: string;
}

/** At most three, earliest first: a caller hears them read out (booking's answer holds no more). */
const MAX_MATCHES = 3;

/**
 * find_appointments during a live call: the caller's upcoming bookings at this company, found by
 * the number they call from (booking's index), never by a name or number the LLM passes. No caller
 * number: a refusal the agent can speak.
 */
export function makeAnswerFindAppointments(deps: { findAppointments: FindAppointments | undefined }) {
  return async function answerFindAppointments(
    route: BranchRoute,
    _args: Record<string, unknown>,
    call: CallContext,
  ): Promise<FunctionAnswer> {
    const language = spokenLanguageOf(route.branch.language);
    if (!deps.findAppointments) return { outcome: 'not_configured', body: problemAnswer('not_configured', language) };
    if (!call.callerPhone) return { outcome: 'caller_unknown', body: problemAnswer('caller_unknown', language) };
    const result = await deps.findAppointments({ companyId: route.company.id, callerPhone: call.callerPhone });
    if (result.kind === 'unreachable')
      return {
        outcome: 'calendar_unreachable',
        body: problemAnswer('calendar_unreachable', language),
        detail: `appointments unreachable: ${result.why}${result.status ? ` ${result.status}` : ''}`,
      };
    const matches = result.appointments.slice(0, MAX_MATCHES).map((appointment): Match => {
      const start = new Date(appointment.start.utc);
      return {
        booking_id: appointment.bookingId,
        dienstleistung: appointment.serviceName,
        beginn: isoWithOffset(start, appointment.start.timeZone),
        gesprochen: spokenStart(start, appointment.start.timeZone, language),
        status: appointment.status === 'pending' ? 'pending' : 'confirmed',
      };
    });
    return {
      outcome: matches.length > 0 ? 'found' : 'none_found',
      body: { ok: true, treffer: matches, hinweis_fuer_agent: findHint(matches.length, language) },
    };
  };
}

export function findHint(count: number, language: SpokenLanguage): string {
  if (language === 'en')
    return count === 0
      ? 'There is no upcoming appointment under the number the caller is calling from. Ask for the booking number, or whether it was booked under another number.'
      : `The caller has ${count === 1 ? 'one upcoming appointment' : `${count} upcoming appointments`}. Read them out using their "gesprochen" text; to move or cancel one, pass its booking_id.`;
  return count === 0
    ? 'Unter der Nummer, von der der Anrufer anruft, ist kein kommender Termin eingetragen. Frag nach der Buchungsnummer, oder ob der Termin unter einer anderen Nummer gebucht wurde.'
    : `Der Anrufer hat ${count === 1 ? 'einen kommenden Termin' : `${count} kommende Termine`}. Nenne sie mit ihrem Text aus „gesprochen“; zum Verlegen oder Absagen gib die booking_id weiter.`;
}
