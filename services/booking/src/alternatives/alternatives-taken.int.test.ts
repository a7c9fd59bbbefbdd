import { randomUUID } from 'node:crypto';
import type { BookingCommandAnsweredV1 } from '@rb/contracts';
import { typeormAutocommit } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { admin, makeIntent, waitFor } from '../../test/booking-harness';
import type { CommandScenario } from '../../test/command-harness';
import { bookCommand, metricSum, startCommandScenario } from '../../test/command-harness';
import { MIGRATIONS } from '../infra/db/migrations';
import { pruneOfferedAlternatives } from './offered-alternatives.repository';

/**
 * Alternatives offered and taken, through the whole service: live book commands and post-call
 * intents on the real Kafka, booking's PostgreSQL (offered_alternatives) and Redis, a stateful
 * fake Cal.com on 127.0.0.1; the outcomes on booking.outcomes.v1 and the counters on /metrics.
 */
jest.setTimeout(60_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_alternatives', MIGRATIONS);
});
afterAll(() => db.drop());

const clock = () => new Date('2026-10-01T08:00:00Z');
// Tuesday 13 October 2026, 14:30 in Berlin
const WISH = '2026-10-13T12:30:00Z';
/** Thursday 15 October, 09:00 in Berlin: free, but ranked below the three alternatives offered for WISH */
const NEVER_OFFERED = '2026-10-15T07:00:00Z';
const FREE = [WISH, '2026-10-13T09:00:00Z', '2026-10-13T14:00:00Z', '2026-10-14T12:30:00Z', NEVER_OFFERED];

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function scenario(): Promise<CommandScenario> {
  const s = await startCommandScenario(db.url, { freeStartsUtc: FREE, clock });
  running.push(s.stop);
  return s;
}

const newCall = () => `call_${randomUUID().slice(0, 12)}`;
const book = (s: CommandScenario, callId: string, startUtc: string) =>
  bookCommand(s.company, callId, startUtc, clock());
/** Takes counted under the booking's `source` (and, if named, where the start was offered). */
const taken = async (s: CommandScenario, source: string, offeredIn = '[a-z_]+') =>
  metricSum(
    await s.metrics(),
    new RegExp(`^booking_alternatives_taken_total\\{source="${source}",offered_in="${offeredIn}"[,}]`),
  );
const takenAtAll = async (s: CommandScenario) => metricSum(await s.metrics(), /^booking_alternatives_taken_total\{/);
const offered = async (s: CommandScenario, source: string) =>
  metricSum(await s.metrics(), new RegExp(`^booking_alternatives_offered_total\\{source="${source}"`));

/** Another call books WISH; then `callId`'s book of WISH is answered slot_taken: its alternatives' starts. */
async function slotTaken(s: CommandScenario, callId: string): Promise<string[]> {
  const other = newCall();
  await s.commands.send(book(s, other, WISH));
  await waitFor('the other call booked', () => s.answers.of(other).length === 1);
  await s.commands.send(book(s, callId, WISH));
  await waitFor('the slot_taken answer', () => s.answers.of(callId).length === 1);
  const { result } = s.answers.of(callId)[0]!;
  if (result.kind !== 'slot_taken') throw new Error(`expected slot_taken, got ${JSON.stringify(result)}`);
  return result.alternatives.map((a) => a.start.utc);
}

const confirmed = (s: CommandScenario, callId: string) =>
  s.outcomes.of(callId).filter((o) => o.type === 'booking.confirmed.v1');
const resultOf = (answer: BookingCommandAnsweredV1 | undefined) => answer?.result.kind;

describe('alternatives offered and taken', () => {
  it('when a live book finds its slot taken and the caller books one of the alternatives read out, then booking.confirmed.v1 says alternative: true and the taken counter goes up by one', async () => {
    const s = await scenario();
    const callId = newCall();
    const alternatives = await slotTaken(s, callId);
    expect(alternatives.length).toBeGreaterThan(0);
    const rows = await db.dataSource.query(
      'SELECT company_id, event_type_id, offered_by, offered_in FROM offered_alternatives WHERE call_id = $1',
      [callId],
    );
    expect(rows).toHaveLength(alternatives.length);
    expect(rows[0]).toEqual({
      company_id: s.company,
      event_type_id: 1201,
      offered_by: `live:${callId}:book:${WISH}`,
      offered_in: 'live_call',
    });

    await s.commands.send(book(s, callId, alternatives[1]!));
    await waitFor('the booking', () => confirmed(s, callId).length === 1);
    expect(resultOf(s.answers.of(callId)[1])).toBe('booked');
    expect(confirmed(s, callId)[0]).toMatchObject({ alternative: true, booking: { start: { utc: alternatives[1] } } });
    expect(await taken(s, 'live_call', 'live_call')).toBe(1);
    expect(await offered(s, 'live_call')).toBe(1); // this call's slot_taken; the other call's booking offered nothing
  });

  it('when the caller books a start that was not among the alternatives offered to the call, then booking.confirmed.v1 says alternative: false and nothing is counted taken', async () => {
    const s = await scenario();
    const callId = newCall();
    const alternatives = await slotTaken(s, callId);
    expect(alternatives).not.toContain(NEVER_OFFERED);

    await s.commands.send(book(s, callId, NEVER_OFFERED));
    await waitFor('the booking', () => confirmed(s, callId).length === 1);
    expect(confirmed(s, callId)[0]).toMatchObject({ alternative: false, booking: { start: { utc: NEVER_OFFERED } } });
    expect(await taken(s, 'live_call')).toBe(0);
  });

  it('when the book of an alternative is redelivered and repeated under a new command id, then one booking, one alternative outcome and one count', async () => {
    const s = await scenario();
    const callId = newCall();
    const alternatives = await slotTaken(s, callId);
    const second = book(s, callId, alternatives[0]!);
    await s.commands.send(second);
    await s.commands.send(second); // the same message redelivered
    await waitFor('the booking', () => s.answers.of(callId).length === 2);
    await s.commands.send({ ...second, commandId: randomUUID() }); // the LLM invoking the tool twice
    await waitFor('the repeated answer', () => s.answers.of(callId).length === 3);
    const text = await s.metrics();
    await s.stop();
    expect(s.answers.of(callId).map((a) => [resultOf(a), a.repeated])).toEqual([
      ['slot_taken', false],
      ['booked', false],
      ['booked', true],
    ]);
    expect(confirmed(s, callId)).toEqual([expect.objectContaining({ alternative: true })]);
    expect(metricSum(text, /^booking_alternatives_taken_total\{/)).toBe(1);
  });

  it('when the live call offered alternatives and its post-call intent books one of them, then the intent is confirmed as an alternative, counted under its own source as taken from a live offer', async () => {
    const s = await scenario();
    const callId = newCall();
    const alternatives = await slotTaken(s, callId);
    await s.intents.send(makeIntent(s.company, alternatives[0]!, { callId }));
    await waitFor('the post-call booking', () => confirmed(s, callId).length === 1);
    expect(confirmed(s, callId)[0]).toMatchObject({ idempotencyKey: `${callId}:booking-intent`, alternative: true });
    expect(await taken(s, 'analysis', 'live_call')).toBe(1);
    expect(await taken(s, 'live_call')).toBe(0);
  });

  it("when a post-call intent's wish is taken, then the alternatives of its outcome are remembered for its call and counted offered under analysis", async () => {
    const s = await scenario();
    const first = newCall();
    await s.intents.send(makeIntent(s.company, WISH, { callId: first }));
    await waitFor('the first booking', () => confirmed(s, first).length === 1);
    const callId = newCall();
    await s.intents.send(makeIntent(s.company, WISH, { callId }));
    await waitFor('the offer', () => s.outcomes.of(callId).length === 1);
    const [offer] = s.outcomes.of(callId);
    if (offer?.type !== 'booking.alternatives-offered.v1') throw new Error(`expected an offer: ${offer?.type}`);
    const rows: { start_utc: Date }[] = await db.dataSource.query(
      'SELECT start_utc FROM offered_alternatives WHERE call_id = $1 ORDER BY start_utc',
      [callId],
    );
    expect(rows.map((r) => r.start_utc.toISOString())).toEqual(
      offer.alternatives.map((a) => new Date(a.start.utc).toISOString()).sort(),
    );
    await waitFor('the offer counted', async () => (await offered(s, 'analysis')) === 1);
    expect(confirmed(s, first)[0]).toMatchObject({ alternative: false });
  });

  it('when a post-call intent offered alternatives and a late live book of its call picks one, then the book is refused (the intent holds the call): a post-call offer is never taken', async () => {
    const s = await scenario();
    const first = newCall();
    await s.intents.send(makeIntent(s.company, WISH, { callId: first }));
    await waitFor('the first booking', () => confirmed(s, first).length === 1);
    const callId = newCall();
    await s.intents.send(makeIntent(s.company, WISH, { callId }));
    await waitFor('the offer', () => s.outcomes.of(callId).length === 1);
    const [offer] = s.outcomes.of(callId);
    if (offer?.type !== 'booking.alternatives-offered.v1') throw new Error(`expected an offer: ${offer?.type}`);
    const rows = await db.dataSource.query('SELECT DISTINCT offered_in FROM offered_alternatives WHERE call_id = $1', [
      callId,
    ]);
    expect(rows).toEqual([{ offered_in: 'post_call' }]);

    await s.commands.send(book(s, callId, offer.alternatives[0]!.start.utc));
    await waitFor('the answer', () => s.answers.of(callId).length === 1);
    expect(s.answers.of(callId)[0]!.result).toMatchObject({ kind: 'refused', reason: 'call_already_booked' });
    expect(s.outcomes.of(callId).map((o) => o.type)).toEqual(['booking.alternatives-offered.v1']);
    expect(await takenAtAll(s)).toBe(0);
  });
});

/**
 * An offer is the call's, for its event type, in its company: each of those conditions is needed
 * for a booking at an offered start to be the alternative taken, so each case breaks exactly one.
 */
describe('an offered start booked by anyone but the call it was offered to, for the same event type', () => {
  it('when the call books an offered start under another event type, then booking.confirmed.v1 says alternative: false and nothing is counted taken', async () => {
    const s = await scenario();
    const callId = newCall();
    const [start] = await slotTaken(s, callId);
    const command = book(s, callId, start!);
    await s.commands.send({ ...command, service: { ...command.service, calcomEventTypeId: 1202 } });
    await waitFor('the booking', () => confirmed(s, callId).length === 1);
    expect(confirmed(s, callId)[0]).toMatchObject({
      alternative: false,
      booking: { eventTypeId: 1202, start: { utc: start } },
    });
    expect(await takenAtAll(s)).toBe(0);
  });

  it('when another call of the company books a start offered to this call, then booking.confirmed.v1 says alternative: false and nothing is counted taken', async () => {
    const s = await scenario();
    const [start] = await slotTaken(s, newCall());
    const other = newCall();
    await s.commands.send(book(s, other, start!));
    await waitFor('the booking', () => confirmed(s, other).length === 1);
    expect(confirmed(s, other)[0]).toMatchObject({
      alternative: false,
      booking: { eventTypeId: 1201, start: { utc: start } },
    });
    expect(await takenAtAll(s)).toBe(0);
  });

  it('when another company books a start offered to a call of the same id, then booking.confirmed.v1 says alternative: false and nothing is counted taken', async () => {
    const s = await scenario();
    const callId = newCall();
    const [start] = await slotTaken(s, callId);
    const company = randomUUID();
    const account = { baseUrl: s.calcom.url, kind: 'api_key', token: 'cal_live_good' };
    expect((await admin(s.service.port, 'PUT', `/companies/${company}/calcom-account`, account)).status).toBe(200);
    await s.commands.send(bookCommand(company, callId, start!, clock()));
    await waitFor('the booking', () => confirmed(s, callId).length === 1);
    expect(confirmed(s, callId)[0]).toMatchObject({
      alternative: false,
      attribution: { companyId: company },
      booking: { eventTypeId: 1201, start: { utc: start } },
    });
    expect(await takenAtAll(s)).toBe(0);
  });
});

describe('the retention of offered alternatives', () => {
  it('when offers are older than the retention, then a prune deletes them in batches and keeps the newer ones', async () => {
    const sql = typeormAutocommit(db.dataSource);
    const company = randomUUID();
    const insert = (callId: string, daysAgo: number, minute: number) =>
      db.dataSource.query(
        `INSERT INTO offered_alternatives (company_id, call_id, event_type_id, start_utc, offered_by, offered_in, offered_at)
         VALUES ($1, $2, 1201, $3, 'k', 'live_call', now() - make_interval(days => $4))`,
        [company, callId, `2026-10-13T12:${String(minute).padStart(2, '0')}:00Z`, daysAgo],
      );
    for (let minute = 0; minute < 3; minute++) await insert('call_old', 15, minute);
    await insert('call_recent', 13, 0);
    const fourteenDays = 14 * 24 * 3600_000;

    expect(await pruneOfferedAlternatives(sql, fourteenDays, 2)).toBe(2);
    expect(await pruneOfferedAlternatives(sql, fourteenDays, 2)).toBe(1);
    expect(await pruneOfferedAlternatives(sql, fourteenDays, 2)).toBe(0);
    const left = await db.dataSource.query('SELECT call_id FROM offered_alternatives WHERE company_id = $1', [company]);
    expect(left).toEqual([{ call_id: 'call_recent' }]);
  });
});
