import { randomUUID } from 'node:crypto';
import type { BookRequestedV1, CancelRequestedV1 } from '@rb/contracts';
import { createTestDatabase } from '../../../../test/support/postgres';
import { makeIntent, waitFor } from '../../test/booking-harness';
import { bookCommand as liveBookCommand, metricSum, startCommandScenario } from '../../test/command-harness';
import { publicBookingId, publicBookingIdCandidate } from '../appointments/public-id';
import { MIGRATIONS } from '../infra/db/migrations';

/**
 * The live commands through the whole service: book commands on the real Kafka, answers on the
 * command-results topic, booking's PostgreSQL and Redis, a stateful fake Cal.com on 127.0.0.1.
 */
jest.setTimeout(60_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('booking_cmds', MIGRATIONS);
});
afterAll(() => db.drop());

const clock = () => new Date('2026-10-01T08:00:00Z');
// Tuesday 13 October 2026, 14:30 in Berlin
const WISH = '2026-10-13T12:30:00Z';
const FREE = [WISH, '2026-10-13T09:00:00Z', '2026-10-13T14:00:00Z', '2026-10-14T12:30:00Z'];

/** A book command as ingress sends it for `callId`, choosing the slot at `startUtc`. */
const bookCommand = (companyId: string, callId: string, startUtc = WISH) =>
  liveBookCommand(companyId, callId, startUtc, clock());

/** The caller's cancel of `bookingId` during `callId`, as ingress sends it. */
function cancelCommand(book: BookRequestedV1, bookingId: string, phone = book.caller.phone): CancelRequestedV1 {
  return {
    type: 'booking.cancel-requested.v1',
    callId: book.callId,
    commandId: randomUUID(),
    idempotencyKey: `live:${book.callId}:cancel:${bookingId}`,
    attribution: book.attribution,
    caller: { phone },
    requestedAt: clock().toISOString(),
    bookingId,
    reason: null,
  };
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function scenario() {
  const s = await startCommandScenario(db.url, { freeStartsUtc: FREE, clock });
  running.push(s.stop);
  return s;
}

describe('the live commands', () => {
  it('when a book command arrives, then Cal.com books the slot once, the answer is booked with a bk_ id and booking.confirmed.v1 goes out', async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    const command = bookCommand(s.company, callId);
    await s.commands.send(command);
    await waitFor('the answer', () => s.answers.of(callId).length === 1);
    await waitFor('the outcome', () => s.outcomes.of(callId).length === 1);
    const [answer] = s.answers.of(callId);
    expect(answer).toMatchObject({ commandId: command.commandId, command: 'book', repeated: false });
    expect(answer!.result).toEqual({
      kind: 'booked',
      appointment: {
        bookingId: expect.stringMatching(/^bk_[0-9A-HJKMNP-TV-Z]{8}$/),
        start: { utc: '2026-10-13T12:30:00Z', local: '2026-10-13T14:30:00', timeZone: 'Europe/Berlin' },
        end: { utc: '2026-10-13T13:15:00Z', local: '2026-10-13T15:15:00', timeZone: 'Europe/Berlin' },
        serviceName: 'Damenhaarschnitt',
        status: 'accepted',
      },
    });
    expect(s.outcomes.of(callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
    expect(s.creates()).toBe(1);
    const [row] = await db.dataSource.query(
      `SELECT source, public_id, caller_digest, service_name, duration_minutes, status
       FROM booking_requests WHERE idempotency_key = $1`,
      [command.idempotencyKey],
    );
    expect(row).toMatchObject({
      source: 'live',
      public_id: answer!.result.kind === 'booked' ? answer!.result.appointment.bookingId : 'none',
      caller_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      service_name: 'Damenhaarschnitt',
      duration_minutes: 45,
      status: 'confirmed',
    });
    const text = await s.metrics();
    expect(metricSum(text, /^booking_commands_total\{command="book",result="booked"/)).toBe(1);
    expect(metricSum(text, /^booking_command_duration_seconds_count\{.*command="book"/)).toBe(1);
  });

  it('when a book command is redelivered and repeated under a new command id, then Cal.com books once, the repeat is answered with the first answer (repeated) and one outcome goes out', async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    const first = bookCommand(s.company, callId);
    await s.commands.send(first);
    await s.commands.send(first); // the same message redelivered
    await waitFor('the first answer', () => s.answers.of(callId).length === 1);
    const again = { ...first, commandId: randomUUID() }; // the LLM invoking the tool twice
    await s.commands.send(again);
    await waitFor('the second answer', () => s.answers.of(callId).length === 2);
    const text = await s.metrics();
    await s.stop();
    const [a, b] = s.answers.of(callId);
    expect(a).toMatchObject({ commandId: first.commandId, repeated: false, result: { kind: 'booked' } });
    expect(b).toMatchObject({ commandId: again.commandId, repeated: true });
    expect(b!.result).toEqual(a!.result);
    expect(s.answers.of(callId)).toHaveLength(2);
    expect(s.outcomes.of(callId)).toHaveLength(1);
    expect(s.creates()).toBe(1);
    expect(metricSum(text, /^booking_commands_total\{command="book",result="repeated"/)).toBe(1);
  });

  it('when the chosen slot was taken meanwhile, then the answer is slot_taken with ranked alternatives', async () => {
    const s = await scenario();
    const earlier = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, earlier));
    await waitFor('the first booking', () => s.answers.of(earlier).length === 1);
    const callId = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, callId));
    await waitFor('the answer', () => s.answers.of(callId).length === 1);
    const [answer] = s.answers.of(callId);
    expect(answer!.result.kind).toBe('slot_taken');
    const alternatives = answer!.result.kind === 'slot_taken' ? answer!.result.alternatives : [];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.map((a) => a.start.utc)).not.toContain('2026-10-13T12:30:00Z');
    expect(alternatives[0]).toEqual({
      start: expect.objectContaining({ timeZone: 'Europe/Berlin' }),
      strategy: expect.any(String),
    });
    expect(s.creates()).toBeLessThanOrEqual(2);
    expect(s.calcom.bookings).toHaveLength(1);
  });

  it('when the post-call intent arrives after the live booking, then it is superseded: no second booking and no outcome of its own', async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, callId));
    await waitFor('the live booking', () => s.answers.of(callId).length === 1);
    const intent = makeIntent(s.company, WISH, { callId });
    await s.intents.send(intent);
    await waitFor(
      'the intent superseded',
      async () => metricSum(await s.metrics(), /^booking_intents_superseded_total\{/) === 1,
    );
    await s.stop();
    expect(s.creates()).toBe(1);
    expect(s.outcomes.of(callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
    const [row] = await db.dataSource.query('SELECT status, source FROM booking_requests WHERE idempotency_key = $1', [
      intent.idempotencyKey,
    ]);
    expect(row).toEqual({ status: 'superseded', source: 'intent' });
  });

  it('when the post-call intent was booked before the live book command arrives, then the command is refused call_already_booked and the call keeps one booking', async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    await s.intents.send(makeIntent(s.company, WISH, { callId }));
    await waitFor('the post-call booking', () => s.outcomes.of(callId).length === 1);
    await s.commands.send(bookCommand(s.company, callId, '2026-10-13T14:00:00Z'));
    await waitFor('the answer', () => s.answers.of(callId).length === 1);
    await s.stop();
    expect(s.answers.of(callId)[0]!.result).toMatchObject({ kind: 'refused', reason: 'call_already_booked' });
    expect(s.creates()).toBe(1);
    expect(s.outcomes.of(callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
  });

  it("when the post-call intent arrives while the live book's Cal.com create is still in flight, then the call still gets one booking", async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    s.calcom.inject({ route: 'POST /v2/bookings', applyThenDelayMs: 1_000 });
    await s.commands.send(bookCommand(s.company, callId));
    await waitFor('the live create sent', () => s.creates() === 1);
    await s.intents.send(makeIntent(s.company, WISH, { callId }));
    await waitFor('the live answer', () => s.answers.of(callId).length === 1);
    await waitFor(
      'the intent superseded',
      async () => metricSum(await s.metrics(), /^booking_intents_superseded_total\{/) === 1,
    );
    await s.stop();
    expect(s.answers.of(callId)[0]!.result.kind).toBe('booked');
    expect(s.creates()).toBe(1);
    expect(s.calcom.bookings).toHaveLength(1);
    expect(s.outcomes.of(callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
  });

  it('when two book commands of one company derive the same bk_ handle, then both are booked, each under its own handle as its row holds it, and a repeat names the same one', async () => {
    const s = await scenario();
    const firstCall = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, firstCall));
    await waitFor('the first booking', () => s.answers.of(firstCall).length === 1);
    const secondCall = `call_${randomUUID().slice(0, 12)}`;
    const second = bookCommand(s.company, secondCall, '2026-10-13T14:00:00Z');
    // a 40-bit clash: the first booking holds the handle the second command's key derives
    const clashing = publicBookingId(second.idempotencyKey);
    await db.dataSource.query('UPDATE booking_requests SET public_id = $2 WHERE call_id = $1', [firstCall, clashing]);

    await s.commands.send(second);
    await waitFor('the second answer', () => s.answers.of(secondCall).length === 1);
    await s.commands.send({ ...second, commandId: randomUUID() });
    await waitFor('the repeated answer', () => s.answers.of(secondCall).length === 2);
    await s.stop();
    const [answer, repeated] = s.answers.of(secondCall);
    const expectedId = publicBookingIdCandidate(second.idempotencyKey, 1);
    expect(answer!.result).toMatchObject({ kind: 'booked', appointment: { bookingId: expectedId } });
    expect(repeated).toMatchObject({ repeated: true, result: answer!.result });
    const rows = await db.dataSource.query(
      'SELECT call_id, public_id, status FROM booking_requests WHERE company_id = $1 ORDER BY start_utc',
      [s.company],
    );
    expect(rows).toEqual([
      { call_id: firstCall, public_id: clashing, status: 'confirmed' },
      { call_id: secondCall, public_id: expectedId, status: 'confirmed' },
    ]);
    expect(s.calcom.bookings).toHaveLength(2);
  });

  it('when a booked command is repeated after its booking was cancelled, then the repeat is refused booking_not_active, not answered booked, and nothing is booked again', async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    const book = bookCommand(s.company, callId);
    await s.commands.send(book);
    await waitFor('the booking', () => s.answers.of(callId).length === 1);
    const [booked] = s.answers.of(callId);
    const bookingId = booked!.result.kind === 'booked' ? booked!.result.appointment.bookingId : 'none';
    await s.commands.send(cancelCommand(book, bookingId));
    await waitFor('the cancellation', () => s.answers.of(callId).length === 2);
    expect(s.answers.of(callId)[1]!.result).toMatchObject({ kind: 'cancelled', bookingId });

    const again = { ...book, commandId: randomUUID() }; // the same slot asked for again: the same key
    await s.commands.send(again);
    await waitFor('the repeat', () => s.answers.of(callId).length === 3);
    await s.stop();
    expect(s.answers.of(callId)[2]).toMatchObject({
      commandId: again.commandId,
      repeated: true,
      result: { kind: 'refused', reason: 'booking_not_active' },
    });
    expect(s.creates()).toBe(1);
    expect(s.outcomes.of(callId).map((o) => o.type)).toEqual(['booking.confirmed.v1', 'booking.cancelled.v1']);
  });

  it("when a cancel during the call is refused booking_not_found, then it does not claim the call and the post-call intent books the caller's wish", async () => {
    const s = await scenario();
    const callId = `call_${randomUUID().slice(0, 12)}`;
    const cancel = cancelCommand(bookCommand(s.company, callId), 'bk_7Q2M9XK4');
    await s.commands.send(cancel);
    await waitFor('the refusal', () => s.answers.of(callId).length === 1);
    expect(s.answers.of(callId)[0]!.result).toMatchObject({ kind: 'refused', reason: 'booking_not_found' });

    await s.intents.send(makeIntent(s.company, WISH, { callId }));
    await waitFor('the post-call booking', () => s.outcomes.of(callId).length === 1);
    await s.stop();
    expect(s.outcomes.of(callId)).toEqual([expect.objectContaining({ type: 'booking.confirmed.v1' })]);
    expect(s.creates()).toBe(1);
    const claims = await db.dataSource.query('SELECT source FROM call_claims WHERE call_id = $1', [callId]);
    expect(claims).toEqual([{ source: 'intent' }]);
  });

  it('when a live book finds its slot taken, then it gives the call back and the post-call intent is handled as usual', async () => {
    const s = await scenario();
    const earlier = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, earlier));
    await waitFor('the slot taken by another call', () => s.answers.of(earlier).length === 1);
    const callId = `call_${randomUUID().slice(0, 12)}`;
    await s.commands.send(bookCommand(s.company, callId));
    await waitFor('the answer', () => s.answers.of(callId).length === 1);
    expect(s.answers.of(callId)[0]!.result.kind).toBe('slot_taken');

    // the caller settled on another time with the agent, which the post-call analysis found
    await s.intents.send(makeIntent(s.company, '2026-10-13T14:00:00Z', { callId }));
    await waitFor('the post-call outcome', () => s.outcomes.of(callId).length === 2);
    const superseded = metricSum(await s.metrics(), /^booking_intents_superseded_total\{/);
    await s.stop();
    expect(s.outcomes.of(callId).map((o) => o.type)).toEqual([
      'booking.alternatives-offered.v1',
      'booking.confirmed.v1',
    ]);
    expect(superseded).toBe(0);
    expect(s.calcom.bookings).toHaveLength(2);
  });
});
