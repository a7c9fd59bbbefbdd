import type { AvailabilityQuery } from '@rb/contracts';
import type { BranchRoute } from '../directory/routing-directory';
import { spokenLanguageOf } from '../inbound/agent-variables';
import type { FunctionProblem, HintFacts } from './agent-hints';
import type { FunctionAnswer } from './function-answer';
import { problemAnswer } from './agent-hints';
import { availabilityAnswer, MAX_OFFERS } from './availability-answer';
import type { AskAvailability } from './booking-availability-client';
import { readCheckAvailabilityArgs } from './check-availability-args';
import { matchService, matchStaff } from './match-names';
import type { SlotIds } from './slot-id';
import { spokenDay } from './spoken-time';
import { readWishedTime } from './wished-time';

export interface CheckAvailabilityDeps {
  /** booking's availability query; undefined when ingress has no token for it (not configured) */
  askAvailability: AskAvailability | undefined;
  slotIds: SlotIds;
  clock: () => number;
}

/**
 * check_availability during a live call: the arguments as an LLM passes them (service by name,
 * dates as ISO days or spoken phrases, a part of the day, a staff member) → booking's question →
 * at most three starts, spoken in the branch's language, with slot ids book_appointment takes
 * back. Whatever goes wrong is an `ok: false` answer with a hint the agent can speak.
 */
export function makeAnswerCheckAvailability(deps: CheckAvailabilityDeps) {
  return async function answerCheckAvailability(
    route: BranchRoute,
    args: Record<string, unknown>,
  ): Promise<FunctionAnswer> {
    const { branch, company } = route;
    const language = spokenLanguageOf(branch.language);
    const now = new Date(deps.clock());
    const facts: HintFacts = {
      services: route.services.map((s) => s.name),
      today: spokenDay(new Intl.DateTimeFormat('sv-SE', { timeZone: branch.timeZone }).format(now), language),
    };
    const fail = (problem: FunctionProblem, more: HintFacts = {}, detail?: string): FunctionAnswer => ({
      outcome: problem,
      body: problemAnswer(problem, language, { ...facts, ...more }),
      ...(detail ? { detail } : {}),
    });

    const ask = deps.askAvailability;
    if (!ask) return fail('not_configured');
    const read = readCheckAvailabilityArgs(args);
    if (read.kind === 'wrong') return fail(read.problem);
    const { said } = read;
    const service = matchService(said.dienstleistung, route.services);
    if (service.kind === 'missing') return fail('missing_service');
    if (service.kind === 'unknown') return fail('unknown_service', { said: service.said });
    const wish = readWishedTime(
      { wann: said.wann, datumVon: said.datum_von, datumBis: said.datum_bis, tageszeit: said.tageszeit },
      { now, timeZone: branch.timeZone, workingDays: branch.workingDays },
    );
    if (wish.kind === 'not_understood') return fail(wish.reason);

    const query: AvailabilityQuery = {
      companyId: company.id,
      branchId: branch.id,
      calcomEventTypeId: service.service.calcomEventTypeId,
      durationMinutes: service.service.durationMinutes,
      ...wish.lookFor,
      limit: MAX_OFFERS,
    };
    const result = await ask(query);
    switch (result.kind) {
      case 'free':
      case 'none_free': {
        const { offer, body } = availabilityAnswer(result, {
          branchId: branch.id,
          timeZone: branch.timeZone,
          language,
          service: service.service,
          staff: matchStaff(said.mitarbeiterin ?? said.mitarbeiter, route.staff, service.service),
          wishedStartUtc: wish.lookFor.wishedStartUtc,
          now,
          slotIds: deps.slotIds,
        });
        return { outcome: offer, body };
      }
      case 'refused':
        return fail('calendar_refused', {}, `booking refused: ${result.reason}`);
      case 'unavailable':
        return fail('calendar_unavailable', {}, `booking unavailable: ${result.reason}`);
      case 'unreachable':
        return fail(
          'calendar_unreachable',
          {},
          `booking unreachable: ${result.why}${result.status ? ` ${result.status}` : ''}`,
        );
    }
  };
}
