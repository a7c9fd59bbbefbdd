import type { AvailabilityQuery } from '@rb/contracts';
import { AvailabilityQuerySchema, CheckAvailabilityResponseSchema, FunctionErrorResponseSchema } from '@rb/contracts';
import type { AvailabilityResult } from './booking-availability-client';
import { makeAnswerCheckAvailability } from './answer-check-availability';
import { SlotIds } from './slot-id';
import { ENGLISH_SALON, IDS, SALON } from './test-tenant.test-support';

/** Tuesday 13 October 2026, 11:15 in Cologne */
const NOW = Date.parse('2026-10-13T09:15:00Z');
const slotIds = new SlotIds('key_test_function_calls_0001');
const slot = (startUtc: string, minutes = 60) => ({
  startUtc,
  endUtc: new Date(Date.parse(startUtc) + minutes * 60_000).toISOString(),
});

/** booking as a fake: answers what the test says and remembers every question */
function fakeBooking(answer: AvailabilityResult = { kind: 'free', timeZone: 'Europe/Berlin', slots: [] }) {
  const asked: AvailabilityQuery[] = [];
  const answerCheckAvailability = makeAnswerCheckAvailability({
    askAvailability: async (query) => {
      asked.push(query);
      return answer;
    },
    slotIds,
    clock: () => NOW,
  });
  return { asked, ask: (args: Record<string, unknown>, route = SALON) => answerCheckAvailability(route, args) };
}

const FRIDAY_AFTERNOON = [slot('2026-10-16T12:30:00Z'), slot('2026-10-16T14:00:00Z'), slot('2026-10-16T14:30:00Z')];
const fixtureArgs = {
  dienstleistung: 'damenhaarschnitt_foehnen',
  mitarbeiterin: 'Jana',
  datum_von: '2026-10-16',
  datum_bis: '2026-10-16',
  tageszeit: 'nachmittag',
};

describe('check_availability: times for the caller, from what the LLM passed', () => {
  it('when ISO dates and a part of the day are passed, then booking is asked for that afternoon and the free starts come back spoken, with slot ids', async () => {
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON });
    const answer = await booking.ask(fixtureArgs);
    expect(booking.asked).toEqual([
      {
        companyId: IDS.company,
        branchId: IDS.branch,
        calcomEventTypeId: 3101,
        durationMinutes: 60,
        fromDay: '2026-10-16',
        toDay: '2026-10-16',
        window: { fromMinute: 720, toMinute: 1020 },
        limit: 3,
      },
    ]);
    expect(AvailabilityQuerySchema.safeParse(booking.asked[0]).success).toBe(true);
    expect(answer.outcome).toBe('offered');
    expect(CheckAvailabilityResponseSchema.parse(answer.body)).toMatchObject({
      ok: true,
      zeitzone: 'Europe/Berlin',
      freie_termine: [
        {
          beginn: '2026-10-16T14:30:00+02:00',
          ende: '2026-10-16T15:30:00+02:00',
          gesprochen: 'Freitag, 16. Oktober, um 14:30 Uhr',
          mitarbeiterin: 'Jana Becker',
        },
        { gesprochen: 'Freitag, 16. Oktober, um 16:00 Uhr' },
        { gesprochen: 'Freitag, 16. Oktober, um 16:30 Uhr' },
      ],
    });
    const first = (answer.body as { freie_termine: { slot_id: string }[] }).freie_termine[0]!.slot_id;
    expect(slotIds.decode(first, IDS.branch)).toEqual({
      kind: 'valid',
      slot: { branchId: IDS.branch, eventTypeId: 3101, startUtc: '2026-10-16T12:30:00.000Z' },
    });
  });

  it('when a staff member who offers the service is wished, then the hint says the calendar cannot pick a person', async () => {
    const answer = await fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON }).ask(
      fixtureArgs,
    );
    expect(answer.body.hinweis_fuer_agent).toContain('Jana Becker ist als Wunsch notiert');
  });

  it('when the staff member is unknown or does not offer the service, then times still come, with a hint and no name on them', async () => {
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON });
    const unknown = await booking.ask({ ...fixtureArgs, mitarbeiterin: 'Kevin' });
    const other = await booking.ask({ ...fixtureArgs, mitarbeiterin: undefined, mitarbeiter: 'Ole' });
    expect(unknown.body.hinweis_fuer_agent).toContain('„Kevin“ arbeitet hier nicht');
    expect(other.body.hinweis_fuer_agent).toContain('Ole Schmitz bietet Damenhaarschnitt & Föhnen nicht an');
    for (const answer of [unknown, other]) {
      expect(answer.outcome).toBe('offered');
      expect(JSON.stringify(answer.body)).not.toContain('"mitarbeiterin"');
    }
  });

  it.each([
    ['morgen früh', { fromDay: '2026-10-14', toDay: '2026-10-14', window: { fromMinute: 480, toMinute: 720 } }],
    [
      'nächsten Dienstag nachmittags',
      { fromDay: '2026-10-20', toDay: '2026-10-20', window: { fromMinute: 720, toMinute: 1020 } },
    ],
    ['so bald wie möglich', { fromDay: '2026-10-13', toDay: '2026-10-26' }],
  ])('when "%s" is said, then booking is asked for that range', async (wann, range) => {
    const booking = fakeBooking();
    await booking.ask({ dienstleistung: 'Färben', wann });
    expect(booking.asked[0]).toEqual({
      companyId: IDS.company,
      branchId: IDS.branch,
      calcomEventTypeId: 3102,
      durationMinutes: 60,
      ...range,
      limit: 3,
    });
  });

  it('when only a day is said, then booking is asked with no window, and Cal.com’s starts at 07:30 and 20:00 are offered', async () => {
    const early = slot('2026-10-16T05:30:00Z');
    const late = slot('2026-10-16T18:00:00Z');
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: [early, late] });
    const answer = await booking.ask({ dienstleistung: 'Färben', datum_von: '2026-10-16' });
    expect(booking.asked[0]).not.toHaveProperty('window');
    expect(booking.asked[0]).toMatchObject({ fromDay: '2026-10-16', toDay: '2026-10-16' });
    expect(answer.body).toMatchObject({
      freie_termine: [
        { gesprochen: 'Freitag, 16. Oktober, um 7:30 Uhr' },
        { gesprochen: 'Freitag, 16. Oktober, um 20:00 Uhr' },
      ],
    });
  });

  it('when optional arguments are null, empty or blank, then they count as not said', async () => {
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON });
    const answer = await booking.ask({
      dienstleistung: ' Färben ',
      wann: '',
      datum_von: '2026-10-16',
      datum_bis: null,
      tageszeit: null,
      mitarbeiterin: '  ',
      mitarbeiter: null,
    });
    expect(booking.asked[0]).toMatchObject({ calcomEventTypeId: 3102, fromDay: '2026-10-16', toDay: '2026-10-16' });
    expect(booking.asked[0]).not.toHaveProperty('window');
    expect(answer.outcome).toBe('offered');
  });

  it('when a staff wish is not text, then the times come without it', async () => {
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON });
    const answer = await booking.ask({ ...fixtureArgs, mitarbeiterin: { name: 'Jana' } });
    expect(answer.outcome).toBe('offered');
    expect(booking.asked[0]).toMatchObject({ window: { fromMinute: 720, toMinute: 1020 } });
    expect(JSON.stringify(answer.body)).not.toContain('"mitarbeiterin"');
  });

  it('when a spoken phrase comes as datum_von and the part of the day as tageszeit, then both count', async () => {
    const booking = fakeBooking();
    await booking.ask({ dienstleistung: 'Färben', datum_von: 'nächsten Dienstag', tageszeit: 'vormittag' });
    expect(booking.asked[0]).toMatchObject({ fromDay: '2026-10-20', window: { fromMinute: 480, toMinute: 720 } });
  });

  it('when an exact time is wished and taken, then booking gets it as the wished start and the hint says it is taken', async () => {
    const booking = fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: [slot('2026-10-16T13:00:00Z')] });
    const answer = await booking.ask({ dienstleistung: 'Färben', wann: 'Freitag um 14:30' });
    expect(booking.asked[0]).toMatchObject({ fromDay: '2026-10-16', wishedStartUtc: '2026-10-16T12:30:00.000Z' });
    expect(answer.outcome).toBe('wished_taken');
    expect(answer.body.hinweis_fuer_agent).toMatch(/^Freitag, 16\. Oktober, um 14:30 Uhr ist leider schon vergeben/);
  });

  it('when nothing is free, then no free starts, booking’s alternatives in its order with their strategy, and a hint to offer them', async () => {
    const alternatives = [
      { ...slot('2026-10-16T15:00:00Z'), strategy: 'same_day_other_time' as const },
      { ...slot('2026-10-17T08:30:00Z'), strategy: 'next_workday_same_time' as const },
      { ...slot('2026-10-23T12:30:00Z'), strategy: 'next_week_same_day' as const },
      { ...slot('2026-10-20T07:00:00Z'), strategy: 'next_available_workday' as const },
    ];
    const answer = await fakeBooking({ kind: 'none_free', timeZone: 'Europe/Berlin', alternatives }).ask(fixtureArgs);
    expect(answer.outcome).toBe('alternatives');
    const body = CheckAvailabilityResponseSchema.parse(answer.body);
    expect(body.freie_termine).toEqual([]);
    expect(body.alternativen).toMatchObject([
      { gesprochen: 'Freitag, 16. Oktober, um 17:00 Uhr', strategie: 'same_day_other_time' },
      { gesprochen: 'Samstag, 17. Oktober, um 10:30 Uhr', strategie: 'next_workday_same_time' },
      { gesprochen: 'Freitag, 23. Oktober, um 14:30 Uhr', strategie: 'next_week_same_day' },
    ]);
    expect(body.hinweis_fuer_agent).toContain('ist leider nichts frei');
  });

  it('when nothing is free and there is no alternative either, then ok with empty lists and a hint to offer a callback', async () => {
    const answer = await fakeBooking({ kind: 'none_free', timeZone: 'Europe/Berlin', alternatives: [] }).ask(
      fixtureArgs,
    );
    expect(answer.outcome).toBe('nothing_free');
    expect(CheckAvailabilityResponseSchema.parse(answer.body)).toMatchObject({ freie_termine: [], alternativen: [] });
    expect(answer.body.hinweis_fuer_agent).toContain('zurückruft');
  });

  it('when booking offers more than three starts or one already begun, then only three ahead of now are offered', async () => {
    const slots = [slot('2026-10-13T09:00:00Z'), ...FRIDAY_AFTERNOON, slot('2026-10-16T15:00:00Z')];
    const answer = await fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots }).ask(fixtureArgs);
    const offered = (answer.body as { freie_termine: { beginn: string }[] }).freie_termine.map((s) => s.beginn);
    expect(offered).toEqual(['2026-10-16T14:30:00+02:00', '2026-10-16T16:00:00+02:00', '2026-10-16T16:30:00+02:00']);
  });

  it('when the branch speaks English, then the times and the hint are English', async () => {
    const answer = await fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON }).ask(
      { dienstleistung: 'colour', wann: 'next Friday afternoon' },
      ENGLISH_SALON,
    );
    expect(answer.outcome).toBe('unknown_service');
    const english = await fakeBooking({ kind: 'free', timeZone: 'Europe/Berlin', slots: FRIDAY_AFTERNOON }).ask(
      { dienstleistung: 'Färben', datum_von: '2026-10-16', tageszeit: 'afternoon' },
      ENGLISH_SALON,
    );
    expect(english.body).toMatchObject({
      freie_termine: [{ gesprochen: 'Friday, 16 October, at 2:30 pm' }, {}, {}],
      hinweis_fuer_agent: expect.stringMatching(/^Name at most two of these times/),
    });
    expect(answer.body.hinweis_fuer_agent).toMatch(/^"colour" is not a service of this business/);
  });
});

describe('check_availability: what the agent hears when it cannot answer with times', () => {
  it('when no service is passed, then ok:false missing_service, a hint listing what is offered, and booking is not asked', async () => {
    const booking = fakeBooking();
    const answer = await booking.ask({ datum_von: '2026-10-16' });
    expect(FunctionErrorResponseSchema.parse(answer.body)).toEqual({
      ok: false,
      fehler: 'missing_service',
      hinweis_fuer_agent:
        'Ich brauche noch die gewünschte Dienstleistung. Frag den Anrufer danach. Angeboten werden: Damenhaarschnitt & Föhnen, Färben, Herrenhaarschnitt.',
    });
    expect(booking.asked).toEqual([]);
  });

  it('when the service is not one the branch offers, then ok:false unknown_service naming the offered ones', async () => {
    const answer = await fakeBooking().ask({ dienstleistung: 'Dauerwelle', datum_von: '2026-10-16' });
    expect(answer.body).toMatchObject({ ok: false, fehler: 'unknown_service' });
    expect(answer.body.hinweis_fuer_agent).toContain('„Dauerwelle“ ist keine Dienstleistung dieses Betriebs');
    expect(answer.body.hinweis_fuer_agent).toContain('Färben');
  });

  it.each([
    ['a service that is not text', 'missing_service', { dienstleistung: 3102, datum_von: '2026-10-16' }],
    ['a service that is a list', 'missing_service', { dienstleistung: ['Färben'], datum_von: '2026-10-16' }],
    ['a day that is a number', 'date_not_understood', { dienstleistung: 'Färben', datum_von: 20261016 }],
    ['a wish that is an object', 'date_not_understood', { dienstleistung: 'Färben', wann: { tag: 'Freitag' } }],
    [
      'a part of the day off the list',
      'date_not_understood',
      { dienstleistung: 'Färben', datum_von: '2026-10-16', tageszeit: 'mittags' },
    ],
  ])(
    'when %s is passed (against the tool’s schema), then ok:false %s and booking is not asked',
    async (_, code, args) => {
      const booking = fakeBooking();
      const answer = await booking.ask(args);
      expect(FunctionErrorResponseSchema.parse(answer.body)).toMatchObject({ fehler: code });
      expect(booking.asked).toEqual([]);
    },
  );

  it.each([
    ['no date', {}, 'missing_date'],
    ['a phrase without a day', { wann: 'irgendwann' }, 'date_not_understood'],
    ['a day in the past', { datum_von: '2026-10-01' }, 'date_in_past'],
    ['datum_bis before datum_von', { datum_von: '2026-10-20', datum_bis: '2026-10-15' }, 'date_range_reversed'],
    ['a month', { datum_von: '2026-10-14', datum_bis: '2026-11-14' }, 'date_range_too_long'],
  ])(
    'when %s is passed, then ok:false with its code, today in the hint, and booking is not asked',
    async (_, dates, code) => {
      const booking = fakeBooking();
      const answer = await booking.ask({ dienstleistung: 'Färben', ...dates });
      expect(FunctionErrorResponseSchema.parse(answer.body)).toMatchObject({ fehler: code });
      if (code !== 'missing_date' && code !== 'date_range_too_long')
        expect(answer.body.hinweis_fuer_agent).toContain('Heute ist Dienstag, 13. Oktober 2026');
      expect(booking.asked).toEqual([]);
    },
  );

  it.each([
    [
      'refused',
      { kind: 'refused', reason: 'no_calcom_account', detail: 'x' } as const,
      'calendar_refused',
      'booking refused: no_calcom_account',
    ],
    [
      'unavailable',
      { kind: 'unavailable', reason: 'circuit_open', retryAfterSeconds: 5 } as const,
      'calendar_unavailable',
      'booking unavailable: circuit_open',
    ],
    [
      'unreachable',
      { kind: 'unreachable', why: 'timeout' } as const,
      'calendar_unreachable',
      'booking unreachable: timeout',
    ],
  ])(
    'when booking is %s, then ok:false with a hint to apologise and offer a callback',
    async (_, result, code, detail) => {
      const answer = await fakeBooking(result).ask(fixtureArgs);
      expect(FunctionErrorResponseSchema.parse(answer.body)).toMatchObject({ fehler: code });
      expect(answer.body.hinweis_fuer_agent).toContain('Entschuldige dich');
      expect(answer.detail).toBe(detail);
    },
  );

  it('when ingress has no token for booking, then ok:false not_configured', async () => {
    const answer = await makeAnswerCheckAvailability({ askAvailability: undefined, slotIds, clock: () => NOW })(
      SALON,
      fixtureArgs,
    );
    expect(answer).toMatchObject({ outcome: 'not_configured', body: { ok: false, fehler: 'not_configured' } });
  });
});
