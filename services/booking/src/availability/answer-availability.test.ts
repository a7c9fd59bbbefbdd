import { randomUUID } from 'node:crypto';
import { AvailabilityQuerySchema } from '@rb/contracts';
import type { AnswerAvailabilityDeps } from './answer-availability';
import { answerAvailability } from './answer-availability';

/** The question's deadline over the parts Cal.com's cancellation does not reach (our own reads). */
describe('a live availability question, bounded by its signal', () => {
  const query = AvailabilityQuerySchema.parse({
    companyId: randomUUID(),
    branchId: randomUUID(),
    calcomEventTypeId: 1201,
    durationMinutes: 45,
    fromDay: '2026-10-13',
    toDay: '2026-10-13',
  });
  /** a database whose reads never answer; nothing else is reached before the branch is read */
  const hungDatabase = {
    db: { query: () => new Promise<never>(() => undefined) },
  } as unknown as AnswerAvailabilityDeps;
  const now = (promise: Promise<unknown>) =>
    Promise.race([promise, new Promise((resolve) => setImmediate(() => resolve('still waiting')))]);

  it('when our own database does not answer before the deadline, then unavailable timeout at the deadline', async () => {
    const deadline = new AbortController();
    const answer = answerAvailability(hungDatabase, query, deadline.signal);
    expect(await now(answer)).toBe('still waiting');
    deadline.abort();
    // Cal.com was never reached: a warm answer, however slow
    expect(await now(answer)).toEqual({ answer: { kind: 'unavailable', reason: 'timeout' }, cache: 'warm' });
  });
});
