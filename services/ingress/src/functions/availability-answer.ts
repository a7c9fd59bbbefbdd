import type { AvailabilityAnswer } from '@rb/contracts';
import type { Service } from '../directory/routing-directory';
import type { SpokenLanguage } from '../inbound/agent-variables';
import type { StaffMatch } from './match-names';
import type { SlotIds } from './slot-id';
import { isoWithOffset, spokenStart } from './spoken-time';

type Strategy = Extract<AvailabilityAnswer, { kind: 'none_free' }>['alternatives'][number]['strategy'];

/** One start offered to the caller, as the LLM gets it. */
export interface OfferedSlot {
  /** book_appointment takes it back unchanged */
  slot_id: string;
  /** ISO 8601 with the branch's offset */
  beginn: string;
  ende: string;
  /** what the agent says: "Dienstag, 8. Dezember, um 14:30 Uhr" */
  gesprochen: string;
  /** the staff member the caller asked for, when they offer the service (a wish: the calendar cannot pick a person) */
  mitarbeiterin?: string;
}

/** check_availability's answer when the calendar answered (CheckAvailabilityResponseSchema). */
export interface CheckAvailabilityAnswer {
  ok: true;
  zeitzone: string;
  dienstleistung: string;
  freie_termine: OfferedSlot[];
  /** only when nothing is free in the range: booking's alternatives, in its ranking */
  alternativen?: (OfferedSlot & { strategie: Strategy })[];
  hinweis_fuer_agent: string;
}

export type Offer = 'offered' | 'wished_taken' | 'alternatives' | 'nothing_free';

export interface AnswerContext {
  branchId: string;
  timeZone: string;
  language: SpokenLanguage;
  service: Service;
  staff: StaffMatch;
  /** the start the caller named, if any */
  wishedStartUtc?: string;
  now: Date;
  slotIds: SlotIds;
}

/** At most three starts: the agent names two, the third is in reserve. */
export const MAX_OFFERS = 3;

/** booking's free starts or alternatives as the LLM reads them, with the hint for what to say. */
export function availabilityAnswer(
  answer: Extract<AvailabilityAnswer, { kind: 'free' | 'none_free' }>,
  context: AnswerContext,
): { offer: Offer; body: CheckAvailabilityAnswer } {
  const future = (slot: { startUtc: string }) => Date.parse(slot.startUtc) > context.now.getTime();
  const free = answer.kind === 'free' ? answer.slots.filter(future).slice(0, MAX_OFFERS) : [];
  const alternatives = answer.kind === 'none_free' ? answer.alternatives.filter(future).slice(0, MAX_OFFERS) : [];
  const wishedTaken =
    context.wishedStartUtc !== undefined &&
    free.length > 0 &&
    Date.parse(free[0]!.startUtc) !== Date.parse(context.wishedStartUtc);
  const offer: Offer =
    free.length > 0
      ? wishedTaken
        ? 'wished_taken'
        : 'offered'
      : alternatives.length > 0
        ? 'alternatives'
        : 'nothing_free';
  const wished = context.wishedStartUtc
    ? spokenStart(new Date(context.wishedStartUtc), context.timeZone, context.language)
    : undefined;
  return {
    offer,
    body: {
      ok: true,
      zeitzone: context.timeZone,
      dienstleistung: context.service.name,
      freie_termine: free.map((slot) => offered(slot, context)),
      ...(answer.kind === 'none_free'
        ? { alternativen: alternatives.map((slot) => ({ ...offered(slot, context), strategie: slot.strategy })) }
        : {}),
      hinweis_fuer_agent: [OFFER_HINTS[context.language][offer](wished), staffNote(context)].filter(Boolean).join(' '),
    },
  };
}

function offered(slot: { startUtc: string; endUtc: string }, context: AnswerContext): OfferedSlot {
  const start = new Date(slot.startUtc);
  const { staff } = context;
  return {
    slot_id: context.slotIds.encode({
      branchId: context.branchId,
      eventTypeId: context.service.calcomEventTypeId,
      startUtc: slot.startUtc,
    }),
    beginn: isoWithOffset(start, context.timeZone),
    ende: isoWithOffset(new Date(slot.endUtc), context.timeZone),
    gesprochen: spokenStart(start, context.timeZone, context.language),
    ...(staff.kind === 'matched' && staff.offersService ? { mitarbeiterin: staff.staff.name } : {}),
  };
}

const OFFER_HINTS: Record<SpokenLanguage, Record<Offer, (wished?: string) => string>> = {
  de: {
    offered: () =>
      'Nenne höchstens zwei dieser Zeiten mit ihrem Text aus „gesprochen“ und frag, welche passt. Zum Buchen gib die slot_id unverändert weiter.',
    wished_taken: (wished) =>
      `${wished ?? 'Die gewünschte Zeit'} ist leider schon vergeben. Sag das und biete höchstens zwei der freien Zeiten an. Zum Buchen gib die slot_id unverändert weiter.`,
    alternatives: (wished) =>
      `Im gewünschten Zeitraum${wished ? ` (${wished})` : ''} ist leider nichts frei. Sag das und biete höchstens zwei der Alternativen an. Zum Buchen gib die slot_id unverändert weiter.`,
    nothing_free: () =>
      'Im gewünschten Zeitraum ist nichts frei, und auch in der Nähe gibt es keine Alternative. Entschuldige dich, frag nach einem anderen Zeitraum oder biete an, dass der Betrieb zurückruft.',
  },
  en: {
    offered: () =>
      'Name at most two of these times using their "gesprochen" text and ask which suits. To book, pass the slot_id on unchanged.',
    wished_taken: (wished) =>
      `${wished ?? 'The time wished'} is already taken, sorry. Say so and offer at most two of the free times. To book, pass the slot_id on unchanged.`,
    alternatives: (wished) =>
      `Nothing is free in the period wished${wished ? ` (${wished})` : ''}. Say so and offer at most two of the alternatives. To book, pass the slot_id on unchanged.`,
    nothing_free: () =>
      'Nothing is free in the period wished and there is no alternative nearby. Apologise, ask about another period or offer a callback from the business.',
  },
};

/** The staff member asked for: a wish the calendar cannot guarantee, unknown, or not offering the service. */
function staffNote({ staff, service, language }: AnswerContext): string | undefined {
  if (staff.kind === 'none_asked') return undefined;
  if (language === 'en') {
    if (staff.kind === 'unknown')
      return `Nobody called "${staff.said}" works here; the times are the team's. Tell the caller.`;
    return staff.offersService
      ? `${staff.staff.name} is noted as a wish, but the calendar cannot choose a person: do not promise ${staff.staff.name}.`
      : `${staff.staff.name} does not offer ${service.name}; the times are the team's. Tell the caller.`;
  }
  if (staff.kind === 'unknown')
    return `Eine Person namens „${staff.said}“ arbeitet hier nicht; die Zeiten gelten für das Team. Sag das dem Anrufer.`;
  return staff.offersService
    ? `${staff.staff.name} ist als Wunsch notiert, aber der Kalender kann keine bestimmte Person wählen: sag ${staff.staff.name} nicht fest zu.`
    : `${staff.staff.name} bietet ${service.name} nicht an; die Zeiten gelten für das Team. Sag das dem Anrufer.`;
}
