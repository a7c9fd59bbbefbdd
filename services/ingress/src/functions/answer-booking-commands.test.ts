import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCommandAnsweredV1, BookingCommandV1, CommandResult } from '@rb/contracts';
import { BookingCommandV1Schema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR } from '../../../../test/paths';
import type { BranchRoute } from '../directory/routing-directory';
import { makeAnswerFindAppointments } from './answer-find-appointments';
import { makeBookingCommands } from './answer-booking-commands';
import type { CallContext } from './call-context';
import { readBookingId } from './command-args';
import type { AwaitReplies } from './command-replies';
import type { SendResult } from './command-sender';
import { SlotIds } from './slot-id';
import { ENGLISH_SALON, IDS, SALON } from './test-tenant.test-support';

const NOW = Date.parse('2026-10-13T09:15:00Z');
const NUMBER_ID = '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e31';
const CALLER: CallContext = { callId: 'call_0e5f7a9c31d84b26a7e4c90b1d2', callerPhone: '+4917612345678' };
const slotIds = new SlotIds('key_test_function_calls_0001');
/** Friday 16 October 2026, 14:30 in Cologne: a free start check_availability handed out */
const SLOT = slotIds.encode({ branchId: IDS.branch, eventTypeId: 3101, startUtc: '2026-10-16T12:30:00Z' });
const APPOINTMENT = {
  bookingId: 'bk_7Q2M9XK4',
  start: { utc: '2026-10-16T12:30:00.000Z', local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
  end: { utc: '2026-10-16T13:30:00.000Z', local: '2026-10-16T15:30:00', timeZone: 'Europe/Berlin' },
  serviceName: 'Damenhaarschnitt & Föhnen',
  status: 'accepted' as const,
};

/** booking as a stand-in: it answers each command sent with `answer` (or never, or the send fails or is not acknowledged in time) */
function setUp({
  answer,
  send = { kind: 'sent' },
  ready = true,
}: { answer?: CommandResult; send?: SendResult; ready?: boolean } = {}) {
  const sent: BookingCommandV1[] = [];
  const reports: unknown[] = [];
  const waiting = new Map<string, (a: BookingCommandAnsweredV1 | undefined) => void>();
  const replies: AwaitReplies = {
    expect: (commandId) => ({
      answer: new Promise((resolve) => waiting.set(commandId, resolve)),
      cancel: () => waiting.get(commandId)?.(undefined),
    }),
  };
  let ids = 0;
  const commands = makeBookingCommands({
    slotIds,
    replies,
    commandsReady: () => ready,
    deadlineMs: 5_000,
    clock: () => NOW,
    newCommandId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    phoneNumberOf: (branchId) => (branchId === IDS.branch ? NUMBER_ID : undefined),
    findAppointments: undefined,
    askAvailability: undefined,
    onCommand: (report) => reports.push(report),
    send: async (command) => {
      sent.push(command);
      const resolve = waiting.get(command.commandId);
      if (send.kind === 'sent')
        setImmediate(() =>
          resolve?.(
            answer && {
              type: 'booking.command-answered.v1',
              callId: command.callId,
              commandId: command.commandId,
              idempotencyKey: command.idempotencyKey,
              command: 'book',
              repeated: false,
              result: answer,
              answeredAt: new Date(NOW).toISOString(),
            },
          ),
        );
      // not acknowledged in time: the deadline passes with no answer
      if (send.kind === 'unknown') setImmediate(() => resolve?.(undefined));
      return send;
    },
  });
  return { commands, sent, reports };
}

const book = (
  args: Record<string, unknown>,
  route: BranchRoute = SALON,
  call: CallContext = CALLER,
  answer?: CommandResult,
) => {
  const { commands, sent, reports } = setUp({ answer });
  return commands.book_appointment(route, args, call).then((result) => ({ result, sent, reports }));
};

describe('book_appointment during a live call', () => {
  it('when the caller chose a slot and booking books it, then one command with the slot’s start and service, and a spoken confirmation with the booking number', async () => {
    const { result, sent, reports } = await book(
      { slot_id: SLOT, kunde_name: 'Sabine Krüger', notiz: 'nur Spitzen' },
      SALON,
      CALLER,
      { kind: 'booked', appointment: APPOINTMENT },
    );
    expect(sent).toHaveLength(1);
    expect(BookingCommandV1Schema.parse(sent[0])).toMatchObject({
      type: 'booking.book-requested.v1',
      callId: CALLER.callId,
      idempotencyKey: `live:${CALLER.callId}:book:${SLOT}`,
      attribution: { companyId: IDS.company, branchId: IDS.branch, phoneNumberId: NUMBER_ID },
      caller: { phone: '+4917612345678' },
      service: { id: IDS.cut, calcomEventTypeId: 3101, durationMinutes: 60 },
      start: { utc: '2026-10-16T12:30:00.000Z', local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
      customer: { name: 'Sabine Krüger', phone: '+4917612345678' },
      note: 'nur Spitzen',
    });
    expect(result).toEqual({
      outcome: 'booked',
      body: {
        ok: true,
        status: 'confirmed',
        booking_id: 'bk_7Q2M9XK4',
        beginn: '2026-10-16T14:30:00+02:00',
        gesprochen: 'Freitag, 16. Oktober, um 14:30 Uhr',
        dienstleistung: 'Damenhaarschnitt & Föhnen',
        hinweis_fuer_agent: expect.stringContaining('Buchungsnummer: 7 Q 2 M 9 X K 4'),
      },
    });
    expect(reports).toEqual([{ command: 'book', outcome: 'booked', waitedSeconds: expect.any(Number) }]);
  });

  it('when the same tool call comes twice, then the same idempotency key and two distinct command ids', async () => {
    const { commands, sent } = setUp({ answer: { kind: 'booked', appointment: APPOINTMENT } });
    const args = { slot_id: ` ${SLOT} `, kunde_name: 'Sabine Krüger' };
    await commands.book_appointment(SALON, args, CALLER);
    await commands.book_appointment(SALON, args, CALLER);
    expect(sent.map((c) => c.idempotencyKey)).toEqual([
      `live:${CALLER.callId}:book:${SLOT}`,
      `live:${CALLER.callId}:book:${SLOT}`,
    ]);
    expect(new Set(sent.map((c) => c.commandId)).size).toBe(2);
  });

  it('when the caller names another number, then the booking is under it and the caller’s own stays the caller', async () => {
    const { sent } = await book({ slot_id: SLOT, kunde_name: 'Sabine', telefon: '0171 234 5678' }, SALON, CALLER, {
      kind: 'booked',
      appointment: APPOINTMENT,
    });
    expect(sent[0]).toMatchObject({ caller: { phone: '+4917612345678' }, customer: { phone: '01712345678' } });
  });

  it.each([
    [
      'a slot id of another branch',
      slotIds.encode({ branchId: IDS.company, eventTypeId: 3101, startUtc: '2026-10-16T12:30:00Z' }),
      'invalid_slot',
    ],
    ['a forged slot id (a digit changed)', SLOT.replace('1230', '1330'), 'invalid_slot'],
    ['fixture 13’s slot id (not ours)', 'slot_20261016_1430_jana', 'invalid_slot'],
    [
      'a slot of a service the branch does not offer',
      slotIds.encode({ branchId: IDS.branch, eventTypeId: 9999, startUtc: '2026-10-16T12:30:00Z' }),
      'invalid_slot',
    ],
    [
      'a slot in the past',
      slotIds.encode({ branchId: IDS.branch, eventTypeId: 3101, startUtc: '2026-10-12T12:30:00Z' }),
      'slot_in_past',
    ],
  ])('when the slot is %s, then a speakable refusal and nothing is sent', async (_, slotId, problem) => {
    const { result, sent } = await book({ slot_id: slotId, kunde_name: 'Sabine Krüger' });
    expect(result).toMatchObject({
      outcome: problem,
      body: { ok: false, fehler: problem, hinweis_fuer_agent: expect.stringContaining('check_availability') },
    });
    expect(sent).toEqual([]);
  });

  it.each([
    ['no name', { slot_id: SLOT }, CALLER, 'missing_name'],
    ['a blank name', { slot_id: SLOT, kunde_name: '  ' }, CALLER, 'missing_name'],
    ['no slot', { kunde_name: 'Sabine' }, CALLER, 'missing_slot'],
    ['a slot that is not text', { slot_id: 7, kunde_name: 'Sabine' }, CALLER, 'missing_slot'],
    [
      'no call id (args only without its const)',
      { slot_id: SLOT, kunde_name: 'Sabine' },
      { callId: undefined, callerPhone: null },
      'missing_call',
    ],
  ])('when there is %s, then a speakable refusal and nothing is sent', async (_, args, call, problem) => {
    const { result, sent } = await book(args, SALON, call);
    expect(result).toMatchObject({ outcome: problem, body: { ok: false, fehler: problem } });
    expect(sent).toEqual([]);
  });

  it('when fixture 13’s args come (args only), then they are read: its slot id is refused as not made in this call', async () => {
    const args = JSON.parse(
      readFileSync(join(RETELL_FIXTURES_DIR, '13-function.book_appointment.request.args-only.json'), 'utf8'),
    );
    expect(await book(args)).toMatchObject({ result: { outcome: 'invalid_slot' }, sent: [] });
  });

  it('when booking does not answer within the deadline, then ok:true in_bearbeitung with an honest sentence that promises no confirmation', async () => {
    const { result, reports } = await book({ slot_id: SLOT, kunde_name: 'Sabine' }, SALON, CALLER, undefined);
    expect(result).toEqual({
      outcome: 'deadline_passed',
      body: {
        ok: true,
        status: 'in_bearbeitung',
        hinweis_fuer_agent: expect.stringContaining(
          '„Ich trage den Termin gerade ein; falls etwas nicht klappt, meldet sich das Team von Salon Haarmonie bei Ihnen.“',
        ),
      },
    });
    const english = await book({ slot_id: SLOT, kunde_name: 'Sabine' }, ENGLISH_SALON, CALLER, undefined);
    expect(english.result.body).toMatchObject({
      status: 'in_bearbeitung',
      hinweis_fuer_agent: expect.stringContaining(
        '"I am entering the appointment now; if anything goes wrong, the team at Salon Haarmonie will get back to you."',
      ),
    });
    expect(reports).toEqual([{ command: 'book', outcome: 'deadline_passed', waitedSeconds: expect.any(Number) }]);
  });

  it('when the broker does not take the command, then ok:false with a try-again hint, never an error', async () => {
    const { commands } = setUp({ send: { kind: 'failed' } });
    expect(await commands.book_appointment(SALON, { slot_id: SLOT, kunde_name: 'Sabine' }, CALLER)).toMatchObject({
      outcome: 'produce_failed',
      body: { ok: false, fehler: 'commands_unavailable', hinweis_fuer_agent: expect.stringMatching(/noch einmal auf/) },
    });
  });

  it('when the broker has not acknowledged the command by the deadline (it may still be stored), then ok:true in_bearbeitung like a late answer, never “nothing was changed”', async () => {
    for (const command of ['book', 'cancel'] as const) {
      const { commands, reports } = setUp({ send: { kind: 'unknown' } });
      const answer =
        command === 'book'
          ? await commands.book_appointment(SALON, { slot_id: SLOT, kunde_name: 'Sabine' }, CALLER)
          : await commands.cancel_appointment(SALON, { booking_id: 'bk_3HF8Q2ZD' }, CALLER);
      expect(answer).toMatchObject({
        outcome: 'produce_unknown',
        body: { ok: true, status: 'in_bearbeitung', hinweis_fuer_agent: expect.not.stringMatching(/nichts geändert/) },
      });
      expect(reports).toEqual([{ command, outcome: 'produce_unknown', waitedSeconds: expect.any(Number) }]);
    }
  });

  it('when the answers consumer or the commands’ schema is not ready, then book, reschedule and cancel answer ok:false not_ready with a speakable hint, nothing is sent, and it is counted', async () => {
    const { commands, sent, reports } = setUp({ ready: false });
    const answers = [
      await commands.book_appointment(SALON, { slot_id: SLOT, kunde_name: 'Sabine' }, CALLER),
      await commands.reschedule_appointment(SALON, { booking_id: 'bk_3HF8Q2ZD', neuer_slot_id: SLOT }, CALLER),
      await commands.cancel_appointment(ENGLISH_SALON, { booking_id: 'bk_3HF8Q2ZD' }, CALLER),
    ];
    for (const answer of answers)
      expect(answer).toMatchObject({ outcome: 'not_ready', body: { ok: false, fehler: 'not_ready' } });
    expect(answers[0]!.body).toMatchObject({ hinweis_fuer_agent: expect.stringMatching(/noch einmal auf/) });
    expect(answers[2]!.body).toMatchObject({ hinweis_fuer_agent: expect.stringMatching(/again/) });
    expect(sent).toEqual([]);
    expect(reports).toEqual(
      (['book', 'reschedule', 'cancel'] as const).map((command) => ({ command, outcome: 'not_ready' })),
    );
  });

  it('when the slot was taken meanwhile, then ok:false slot_taken with alternatives that carry new slot ids of this branch', async () => {
    const { result } = await book({ slot_id: SLOT, kunde_name: 'Sabine' }, ENGLISH_SALON, CALLER, {
      kind: 'slot_taken',
      alternatives: [
        {
          start: { ...APPOINTMENT.start, utc: '2026-10-16T13:30:00.000Z', local: '2026-10-16T15:30:00' },
          strategy: 'same_day_other_time',
        },
      ],
    });
    expect(result).toMatchObject({
      outcome: 'slot_taken',
      body: {
        ok: false,
        fehler: 'slot_taken',
        alternativen: [
          {
            beginn: '2026-10-16T15:30:00+02:00',
            gesprochen: 'Friday, 16 October, at 3:30 pm',
            strategie: 'same_day_other_time',
          },
        ],
      },
    });
    const [alternative] = (result.body as { alternativen: { slot_id: string }[] }).alternativen;
    expect(slotIds.decode(alternative!.slot_id, IDS.branch)).toMatchObject({
      kind: 'valid',
      slot: { eventTypeId: 3101 },
    });
  });

  it('when booking refuses, then ok:false with its reason and a sentence in the branch’s language', async () => {
    const refused: CommandResult = { kind: 'refused', reason: 'call_already_booked', detail: 'x' };
    expect((await book({ slot_id: SLOT, kunde_name: 'S' }, SALON, CALLER, refused)).result).toMatchObject({
      outcome: 'call_already_booked',
      body: { ok: false, fehler: 'call_already_booked', hinweis_fuer_agent: expect.stringMatching(/^In diesem Anruf/) },
    });
    expect((await book({ slot_id: SLOT, kunde_name: 'S' }, ENGLISH_SALON, CALLER, refused)).result.body).toMatchObject({
      hinweis_fuer_agent: expect.stringMatching(/^An appointment has already been entered/),
    });
  });
});

describe('cancel_appointment and reschedule_appointment during a live call', () => {
  it('when the caller cancels by booking number, then a cancel command keyed live:<call>:cancel:<booking> and the cancellation spoken', async () => {
    const { commands, sent } = setUp({
      answer: { kind: 'cancelled', bookingId: 'bk_3HF8Q2ZD', start: APPOINTMENT.start },
    });
    const result = await commands.cancel_appointment(SALON, { booking_id: 'BK 3HF8 Q2ZD', grund: 'krank' }, CALLER);
    expect(sent[0]).toMatchObject({
      type: 'booking.cancel-requested.v1',
      bookingId: 'bk_3HF8Q2ZD',
      idempotencyKey: `live:${CALLER.callId}:cancel:bk_3HF8Q2ZD`,
      reason: 'krank',
    });
    expect(result.body).toMatchObject({
      ok: true,
      status: 'cancelled',
      gesprochen: 'Freitag, 16. Oktober, um 14:30 Uhr',
    });
  });

  it.each([
    [
      'de',
      SALON,
      {
        cancel: '„Ich sage den Termin gerade ab; das ist noch nicht bestätigt.',
        reschedule: '„Ich verlege den Termin gerade; das ist noch nicht bestätigt.',
      },
      /meldet sich|zurückruf/,
    ],
    [
      'en',
      ENGLISH_SALON,
      {
        cancel: '"I am cancelling the appointment now; it is not confirmed yet.',
        reschedule: '"I am moving the appointment now; it is not confirmed yet.',
      },
      /get back to you|callback from/,
    ],
  ] as const)(
    'when booking does not answer a cancel or a move within the deadline (%s), then in_bearbeitung saying it is being processed and to ask again or check with find_appointments, with no promise of a call back',
    async (_, route, sentences, callBack) => {
      for (const command of ['cancel', 'reschedule'] as const) {
        const { commands } = setUp();
        const answer =
          command === 'cancel'
            ? await commands.cancel_appointment(route, { booking_id: 'bk_3HF8Q2ZD' }, CALLER)
            : await commands.reschedule_appointment(route, { booking_id: 'bk_3HF8Q2ZD', neuer_slot_id: SLOT }, CALLER);
        expect(answer).toMatchObject({ outcome: 'deadline_passed', body: { ok: true, status: 'in_bearbeitung' } });
        const hint = (answer.body as { hinweis_fuer_agent: string }).hinweis_fuer_agent;
        expect(hint).toContain(sentences[command]);
        expect(hint).toContain('find_appointments');
        expect(hint).not.toMatch(callBack);
      }
    },
  );

  it('when the caller moves to a slot, then a reschedule command keyed by booking and new start (UTC)', async () => {
    const { commands, sent } = setUp({ answer: { kind: 'rescheduled', appointment: APPOINTMENT } });
    const result = await commands.reschedule_appointment(
      SALON,
      { booking_id: 'bk_7Q2M9XK4', neuer_slot_id: SLOT },
      CALLER,
    );
    expect(sent[0]).toMatchObject({
      type: 'booking.reschedule-requested.v1',
      idempotencyKey: `live:${CALLER.callId}:reschedule:bk_7Q2M9XK4:2026-10-16T12:30:00.000Z`,
      newStart: { utc: '2026-10-16T12:30:00.000Z' },
    });
    expect(result.body).toMatchObject({ ok: true, status: 'rescheduled', booking_id: 'bk_7Q2M9XK4' });
  });

  it.each([
    ['cancel', { booking_id: 'bk_3HF8Q2ZD' }],
    ['reschedule', { booking_id: 'bk_3HF8Q2ZD', neuer_slot_id: SLOT }],
  ])(
    'when a %s comes from a web call (no caller number), then caller_unknown and nothing is sent',
    async (name, args) => {
      const { commands, sent } = setUp();
      const web: CallContext = { callId: CALLER.callId, callerPhone: null };
      const answer =
        name === 'cancel'
          ? await commands.cancel_appointment(SALON, args, web)
          : await commands.reschedule_appointment(SALON, args, web);
      expect(answer).toMatchObject({ outcome: 'caller_unknown', body: { ok: false, fehler: 'caller_unknown' } });
      expect(sent).toEqual([]);
    },
  );

  it('when the booking number is not one, or no new time is given, then a speakable refusal and nothing is sent', async () => {
    const { commands, sent } = setUp();
    expect(await commands.cancel_appointment(SALON, { booking_id: 'Termin morgen' }, CALLER)).toMatchObject({
      outcome: 'invalid_booking_id',
    });
    expect(await commands.reschedule_appointment(SALON, { booking_id: 'bk_7Q2M9XK4' }, CALLER)).toMatchObject({
      outcome: 'missing_new_time',
    });
    expect(sent).toEqual([]);
  });
});

describe('reading a booking number as heard', () => {
  it.each([
    ['bk_7Q2M9XK4', 'bk_7Q2M9XK4'],
    ['BK 7Q2M 9XK4', 'bk_7Q2M9XK4'],
    ['bk-7q2m9xk4', 'bk_7Q2M9XK4'],
    ['7Q2M9XK4', 'bk_7Q2M9XK4'],
    ['bk_7Q2M9XKO', 'bk_7Q2M9XK0'],
  ])('when it is said as %s, then it is %s', (said, id) => {
    expect(readBookingId(said)).toEqual({ kind: 'read', args: id });
  });

  it('when it is too short or has a letter outside the alphabet, then it is no booking number', () => {
    expect(readBookingId('bk_7Q2M')).toMatchObject({ kind: 'wrong', problem: 'invalid_booking_id' });
    expect(readBookingId('bk_7Q2M9XKU')).toMatchObject({ kind: 'wrong', problem: 'invalid_booking_id' });
  });
});

describe('find_appointments during a live call', () => {
  it('when the caller has bookings, then at most three with booking number, service and spoken start; none: ok:true with a hint; no number: caller_unknown', async () => {
    const asked: unknown[] = [];
    const answer = makeAnswerFindAppointments({
      findAppointments: async (query) => {
        asked.push(query);
        return { kind: 'found', appointments: query.callerPhone === '+4917612345678' ? [APPOINTMENT] : [] };
      },
    });
    expect(await answer(SALON, {}, CALLER)).toEqual({
      outcome: 'found',
      body: {
        ok: true,
        treffer: [
          {
            booking_id: 'bk_7Q2M9XK4',
            dienstleistung: 'Damenhaarschnitt & Föhnen',
            beginn: '2026-10-16T14:30:00+02:00',
            gesprochen: 'Freitag, 16. Oktober, um 14:30 Uhr',
            status: 'confirmed',
          },
        ],
        hinweis_fuer_agent: expect.stringMatching(/^Der Anrufer hat einen kommenden Termin/),
      },
    });
    expect(asked).toEqual([{ companyId: IDS.company, callerPhone: '+4917612345678' }]);
    expect(await answer(ENGLISH_SALON, {}, { ...CALLER, callerPhone: '+4930123456' })).toMatchObject({
      outcome: 'none_found',
      body: { ok: true, treffer: [], hinweis_fuer_agent: expect.stringMatching(/^There is no upcoming appointment/) },
    });
    expect(await answer(SALON, {}, { ...CALLER, callerPhone: null })).toMatchObject({
      outcome: 'caller_unknown',
      body: { ok: false, fehler: 'caller_unknown' },
    });
    expect(asked).toHaveLength(2);
  });
});
