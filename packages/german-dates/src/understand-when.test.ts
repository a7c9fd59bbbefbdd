import type { WhenContext } from './understand-when';
import { understandWhen } from './understand-when';

// Wednesday 2 December 2026, 10:15 in Berlin
const berlin: WhenContext = { now: new Date('2026-12-02T09:15:00Z'), timeZone: 'Europe/Berlin' };
const when = (said: string, context: Partial<WhenContext> = {}) => understandWhen(said, { ...berlin, ...context });
const day = (from: string, to: string, more: object = {}) => ({ kind: 'understood', from, to, ...more });

describe('an ISO date or date-time as the LLM passes it', () => {
  it('when a date is passed, then the range is that day from 08:00 to 20:00 in the zone', () => {
    expect(when('2026-12-08')).toEqual(day('2026-12-08T08:00:00+01:00', '2026-12-08T20:00:00+01:00'));
  });

  it.each([
    ['2026-12-08T14:30'],
    ['2026-12-08T14:30:00'],
    ['2026-12-08 14:30'],
    ['2026-12-08T13:30:00Z'],
    ['2026-12-08T14:30:00+01:00'],
    ['2026-12-08T08:30:00-05:00'],
  ])(
    'when the date-time %s is passed, then the exact time is 14:30 in Berlin, looked at up to the end of its day',
    (passed) => {
      expect(when(passed)).toEqual(
        day('2026-12-08T14:30:00+01:00', '2026-12-09T00:00:00+01:00', { exactTime: '14:30' }),
      );
    },
  );

  it('when a date comes with a part of day, then the range is those hours', () => {
    expect(when('2026-12-08 nachmittags')).toEqual(
      day('2026-12-08T12:00:00+01:00', '2026-12-08T17:00:00+01:00', { partOfDay: 'afternoon' }),
    );
  });

  it('when the day is in summer time, then the offset is summer time', () => {
    expect(when('2027-07-01')).toEqual(day('2027-07-01T08:00:00+02:00', '2027-07-01T20:00:00+02:00'));
  });
});

describe('a day said with a part of day', () => {
  it.each([
    ['morgen früh', '2026-12-03', 'morning', '08:00', '12:00'],
    ['morgen Vormittag', '2026-12-03', 'morning', '08:00', '12:00'],
    ['nächsten Dienstag nachmittags', '2026-12-08', 'afternoon', '12:00', '17:00'],
    ['Freitagnachmittag', '2026-12-04', 'afternoon', '12:00', '17:00'],
    ['Donnerstagabend', '2026-12-03', 'evening', '17:00', '20:00'],
    ['tomorrow afternoon', '2026-12-03', 'afternoon', '12:00', '17:00'],
  ])('when "%s" is said, then it is %s in the %s, %s to %s', (said, date, partOfDay, from, to) => {
    expect(when(said)).toEqual(day(`${date}T${from}:00+01:00`, `${date}T${to}:00+01:00`, { partOfDay }));
  });

  it('when a morning and an afternoon are both said, then no part is chosen and the whole day counts', () => {
    expect(when('morgen vormittags oder nachmittags')).toEqual(
      day('2026-12-03T08:00:00+01:00', '2026-12-03T20:00:00+01:00'),
    );
  });
});

describe('a day said with a clock time', () => {
  it.each([
    ['übermorgen um halb drei', '2026-12-04', '14:30', '2026-12-05'],
    ['Freitag um 9.30 Uhr', '2026-12-04', '09:30', '2026-12-05'],
    ['morgen gegen Mittag', '2026-12-03', '12:00', '2026-12-04'],
    ['next Tuesday at 3 pm', '2026-12-08', '15:00', '2026-12-09'],
  ])(
    'when "%s" is said, then the exact time is %s %s, looked at up to the end of that day',
    (said, date, time, next) => {
      expect(when(said)).toEqual(day(`${date}T${time}:00+01:00`, `${next}T00:00:00+01:00`, { exactTime: time }));
    },
  );

  it('when a part of day comes with the time, then both are kept and the time takes the part', () => {
    expect(when('Dienstagabend um sieben')).toEqual(
      day('2026-12-08T19:00:00+01:00', '2026-12-09T00:00:00+01:00', { partOfDay: 'evening', exactTime: '19:00' }),
    );
  });
});

describe('a day said alone', () => {
  it.each([
    ['am Freitag', '2026-12-04'],
    ['übermorgen', '2026-12-04'],
    ['am 24. Dezember', '2026-12-24'],
    ['nächste Woche Dienstag', '2026-12-08'],
  ])('when "%s" is said, then the range is %s from 08:00 to 20:00', (said, date) => {
    expect(when(said)).toEqual(day(`${date}T08:00:00+01:00`, `${date}T20:00:00+01:00`));
  });

  it('when a day is ruled out and another named, then the other one counts', () => {
    expect(when('Montag geht nicht, lieber Dienstag nachmittags')).toEqual(
      day('2026-12-08T12:00:00+01:00', '2026-12-08T17:00:00+01:00', { partOfDay: 'afternoon' }),
    );
  });

  it('when today is said, then the range starts now, not at 08:00', () => {
    expect(when('heute')).toEqual(day('2026-12-02T10:15:00+01:00', '2026-12-02T20:00:00+01:00'));
  });

  it('when the day is one the branch does not work, then it is still understood (no slot there is booking’s answer)', () => {
    expect(when('am Samstag')).toEqual(day('2026-12-05T08:00:00+01:00', '2026-12-05T20:00:00+01:00'));
  });
});

describe('a week', () => {
  it('when "nächste Woche" is said, then the range is Monday 08:00 to Friday 20:00 of next week', () => {
    expect(when('nächste Woche')).toEqual(day('2026-12-07T08:00:00+01:00', '2026-12-11T20:00:00+01:00'));
    expect(when('next week')).toEqual(when('nächste Woche'));
  });

  it('when the branch works Tuesday to Saturday, then next week is Tuesday to Saturday', () => {
    expect(when('nächste Woche', { workingDays: [2, 3, 4, 5, 6] })).toEqual(
      day('2026-12-08T08:00:00+01:00', '2026-12-12T20:00:00+01:00'),
    );
  });

  it('when "übernächste Woche vormittags" is said, then the week after next is looked at in its mornings', () => {
    expect(when('übernächste Woche vormittags')).toEqual(
      day('2026-12-14T08:00:00+01:00', '2026-12-18T12:00:00+01:00', { partOfDay: 'morning' }),
    );
  });

  it('when "diese Woche" is said on a Wednesday, then the range runs from now to Friday evening', () => {
    expect(when('noch diese Woche')).toEqual(day('2026-12-02T10:15:00+01:00', '2026-12-04T20:00:00+01:00'));
  });

  it('when a time is said with the week, then it is kept as the exact time and the week stays the range', () => {
    expect(when('nächste Woche um 10')).toEqual(
      day('2026-12-07T08:00:00+01:00', '2026-12-11T20:00:00+01:00', { exactTime: '10:00' }),
    );
  });
});

describe('what cannot be understood', () => {
  it.each([
    ['', 'nothing_said'],
    ['   \n ', 'nothing_said'],
    ['blau', 'no_day'],
    ['asdf qwertz 123', 'no_day'],
    ['um drei', 'no_day'],
    ['so bald wie möglich', 'no_day'],
    ['2026-02-30', 'not_a_date'],
    ['2026-13-01T10:00', 'not_a_date'],
    ['2026-11-30', 'in_the_past'],
    ['heute um neun', 'in_the_past'],
    ['2026-12-02T10:00', 'in_the_past'],
  ])('when "%s" is passed, then it is not understood: %s', (said, reason) => {
    expect(when(said)).toEqual({ kind: 'not_understood', reason });
  });

  it('when it is asked after the evening is over, then today evening is in the past', () => {
    expect(when('heute abend', { now: new Date('2026-12-02T19:30:00Z') })).toEqual({
      kind: 'not_understood',
      reason: 'in_the_past',
    });
  });

  it.each([
    ['an unknown zone', { timeZone: 'Mars/Olympus' }],
    ['an invalid now', { now: new Date('not a date') }],
    ['no working days', { workingDays: [] }],
    ['a working day that is no weekday', { workingDays: [0, 1] }],
  ])('when the context has %s, then it is not understood: invalid_context', (_what, context) => {
    expect(when('morgen', context)).toEqual({ kind: 'not_understood', reason: 'invalid_context' });
  });
});
