import type { CommandResult } from '@rb/contracts';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import { alternativesAround } from '../alternatives/alternatives-around';
import type { Alternative } from '../alternatives/find-alternatives';
import type { CallerBooking } from '../appointments/caller-bookings';
import { instantAt } from '../appointments/caller-bookings';
import { CalcomError } from '../calcom/calcom-errors';
import { loadBranch } from '../directory/branch-directory';
import type { ChangeForCallerDeps } from './change-for-caller';

/**
 * The new start of a reschedule is taken: ranked alternatives around it, from the branch's free
 * starts (cache first). The alternatives are a help, not the answer: when they cannot be found
 * (the branch unknown to booking, Cal.com failing now) the answer is `slot_taken` without any.
 */
export async function slotTakenAnswer(
  deps: ChangeForCallerDeps,
  booking: CallerBooking,
  wishedStartUtc: string,
): Promise<CommandResult> {
  const found = await alternativesFor(deps, booking, wishedStartUtc);
  return {
    kind: 'slot_taken',
    alternatives: found.map((a) => ({ start: instantAt(a.startUtc, booking.timeZone), strategy: a.strategy })),
  };
}

async function alternativesFor(
  deps: ChangeForCallerDeps,
  booking: CallerBooking,
  wishedStartUtc: string,
): Promise<Alternative[]> {
  const branch = await loadBranch(deps.db, booking.branchId);
  if (!branch || booking.eventTypeId === null) return [];
  const company = branch.companyId;
  const account = await loadCalcomAccount(deps.db, company, deps.cipher);
  if (!account) return [];
  const gateway = deps.gateways.for(company, account);
  try {
    return await alternativesAround({
      cache: deps.cache,
      account: company,
      fetchSlots: (query) => gateway.slots(query),
      eventTypeId: booking.eventTypeId,
      durationMinutes: booking.durationMinutes ?? 0,
      branch,
      wishedStartUtc,
      timeZone: booking.timeZone,
      windowDays: deps.searchWindowDays,
      count: deps.alternativesCount,
      now: deps.clock(),
    });
  } catch (error) {
    if (error instanceof CalcomError) return [];
    throw error;
  }
}
