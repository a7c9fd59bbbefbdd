import type { AvailabilityAnswer, ParsedAvailabilityQuery } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';
import { loadCalcomAccount } from '../accounts/calcom-accounts';
import type { Branch } from '../alternatives/find-alternatives';
import { findAlternatives } from '../alternatives/find-alternatives';
import type { AccountGateways } from '../calcom/account-gateways';
import type { CalcomErrorCode } from '../calcom/calcom-errors';
import { CalcomError } from '../calcom/calcom-errors';
import type { CalcomGateway } from '../calcom/calcom-gateway';
import type { CredentialCipher } from '../credentials/credential-cipher';
import { loadBranch } from '../directory/branch-directory';
import type { RedisAvailabilityCache } from '../infra/redis-availability-cache';
import { calcomFailureAnswer } from './calcom-failure-answer';
import { alternativesSearch, pickFreeSlots, slotAt } from './pick-starts';

export interface AnswerAvailabilityDeps {
  /** statements outside a transaction: the branch and the account are read, nothing is written */
  db: Sql;
  cipher: CredentialCipher;
  gateways: AccountGateways;
  cache: RedisAvailabilityCache;
  clock: () => Date;
  /**
   * a Cal.com failure answered as refused or unavailable (a read given up at the deadline too):
   * its code and the account, for the log
   */
  onCalcomFailure?: (code: CalcomErrorCode, account: string) => void;
}

/**
 * How a question was answered: `warm` without asking Cal.com (the free slots from the cache, or an
 * answer that needs no calendar, such as a refusal), `cold` when Cal.com was asked (a cache miss).
 */
export type CacheState = 'warm' | 'cold';
export interface AnsweredAvailability {
  answer: AvailabilityAnswer;
  cache: CacheState;
}

type Refused = Extract<AvailabilityAnswer, { kind: 'refused' }>;
/** whom the question is about: the branch (its zone, working days) and its company's Cal.com */
type Tenant = { kind: 'tenant'; branch: Branch; account: string; gateway: CalcomGateway };

/** One question in hand: its deadline, and whether Cal.com has been asked for it so far. */
type Question = { signal: AbortSignal | undefined; askedCalcom: boolean };

/** The answer when the question's signal aborted first: the caller cannot wait longer. */
const TIMED_OUT: AvailabilityAnswer = { kind: 'unavailable', reason: 'timeout' };

/**
 * A live caller's "is this time free?": the branch from booking's read model, its company's
 * Cal.com account, the free starts from the availability cache (Cal.com only on a miss, through
 * the account's policies), kept to the window and answered earliest first, the wish first; when
 * none is free, ranked alternatives up to a week after the asked days. A tenant booking cannot
 * ask for is `refused`; Cal.com not answering is `unavailable`. Only unexpected failures throw.
 * `signal` is the question's deadline (or its asker hanging up): when it aborts, the Cal.com read
 * is given up (no retry, its place in the account's bulkhead freed) and the answer is
 * `unavailable` `timeout` at once. The answer says whether Cal.com was asked for it (`cache`), so
 * warm answers can be held to their own target.
 */
export async function answerAvailability(
  deps: AnswerAvailabilityDeps,
  query: ParsedAvailabilityQuery,
  signal?: AbortSignal,
): Promise<AnsweredAvailability> {
  const question: Question = { signal, askedCalcom: false };
  const unbounded = answerUnbounded(deps, query, question);
  const answer = await (signal ? byDeadline(unbounded, signal) : unbounded);
  return { answer, cache: question.askedCalcom ? 'cold' : 'warm' };
}

/**
 * `answer`, or `unavailable` `timeout` as soon as `signal` aborts. Cal.com is cancelled through the
 * same signal; a read of our own database or Redis is not, it is only no longer awaited (bounded by
 * its own timeouts), and what it ends in is ignored.
 */
function byDeadline(answer: Promise<AvailabilityAnswer>, signal: AbortSignal): Promise<AvailabilityAnswer> {
  return new Promise((resolve, reject) => {
    const timedOut = () => resolve(TIMED_OUT);
    if (signal.aborted) timedOut();
    else signal.addEventListener('abort', timedOut, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', timedOut));
  });
}

async function answerUnbounded(
  deps: AnswerAvailabilityDeps,
  query: ParsedAvailabilityQuery,
  question: Question,
): Promise<AvailabilityAnswer> {
  const tenant = await tenantOf(deps, query);
  if (tenant.kind === 'refused') return tenant;
  const timeZone = tenant.branch.timeZone;
  try {
    const slots = pickFreeSlots({
      freeStartsUtc: await freeStarts(deps, tenant, query, query.toDay, question),
      timeZone,
      now: deps.clock(),
      durationMinutes: query.durationMinutes,
      limit: query.limit,
      window: query.window,
      wishedStartUtc: query.wishedStartUtc,
    });
    if (slots.length > 0) return { kind: 'free', timeZone, slots };
    return await alternatives(deps, tenant, query, question);
  } catch (error) {
    if (!(error instanceof CalcomError)) throw error;
    deps.onCalcomFailure?.(error.code, tenant.account);
    return calcomFailureAnswer(error, query.calcomEventTypeId);
  }
}

/** The active branch of the asked company, with a gateway to the company's Cal.com; or why not. */
async function tenantOf(deps: AnswerAvailabilityDeps, query: ParsedAvailabilityQuery): Promise<Tenant | Refused> {
  const branch = await loadBranch(deps.db, query.branchId);
  if (!branch || branch.companyId.toLowerCase() !== query.companyId.toLowerCase()) {
    const detail = `branch ${query.branchId} of company ${query.companyId} is not in booking's directory`;
    return { kind: 'refused', reason: 'unknown_branch', detail };
  }
  if (!branch.active)
    return { kind: 'refused', reason: 'inactive_branch', detail: `branch ${query.branchId} is inactive` };
  const company = branch.companyId;
  const calcom = await loadCalcomAccount(deps.db, company, deps.cipher);
  if (!calcom) {
    return { kind: 'refused', reason: 'no_calcom_account', detail: `company ${company} has no Cal.com account` };
  }
  return { kind: 'tenant', branch, account: company, gateway: deps.gateways.for(company, calcom) };
}

/** Free starts (UTC) from the first asked day to `toDay`, in the branch's zone: Redis first, Cal.com on a miss. */
async function freeStarts(
  deps: AnswerAvailabilityDeps,
  tenant: Tenant,
  query: ParsedAvailabilityQuery,
  toDay: string,
  question: Question,
): Promise<string[]> {
  const free = await deps.cache.freeStarts(
    tenant.account,
    query.calcomEventTypeId,
    query.fromDay,
    toDay,
    tenant.branch.timeZone,
    (slotQuery) => {
      question.askedCalcom = true;
      return tenant.gateway.slots(slotQuery, question.signal);
    },
    query.durationMinutes,
  );
  return [...free.values()].flat();
}

/** Nothing free where asked: alternatives around the wish (or the window's start), over the asked days and a week more. */
async function alternatives(
  deps: AnswerAvailabilityDeps,
  tenant: Tenant,
  query: ParsedAvailabilityQuery,
  question: Question,
): Promise<AvailabilityAnswer> {
  const search = alternativesSearch(query, tenant.branch.timeZone);
  const found = findAlternatives({
    wishedStartUtc: search.wishedStartUtc,
    freeStartsUtc: await freeStarts(deps, tenant, query, search.toDay, question),
    branch: tenant.branch,
    windowDays: search.windowDays,
    count: query.limit,
    nowUtc: deps.clock().toISOString(),
  });
  return {
    kind: 'none_free',
    timeZone: tenant.branch.timeZone,
    alternatives: found.map((a) => ({ ...slotAt(a.startUtc, query.durationMinutes), strategy: a.strategy })),
  };
}
