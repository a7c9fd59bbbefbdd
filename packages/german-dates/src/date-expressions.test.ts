import { DateTime } from 'luxon';
import { findDates } from './date-expressions';
import { readCall } from './read-call.test-support';

// Wednesday 2 December 2026 in Berlin (the newer shared cases' reference day)
const today = DateTime.fromISO('2026-12-02T00:00:00', { zone: 'Europe/Berlin' });
const dates = (text: string) => findDates(text, today).map((d) => d.value.date);
const at = (said: string) =>
  readCall({
    transcript: `Agent: Guten Tag, was kann ich für Sie tun?\nUser: ${said}`,
    callStartedAt: '2026-12-02T10:15:00+01:00',
    timeZone: 'Europe/Berlin',
  });

describe('a day and month name without the ordinal dot', () => {
  it.each([
    ['am 3 März', '2027-03-03'],
    ['der 14 Januar', '2027-01-14'],
    ['den 24 Dezember', '2026-12-24'],
    ['Freitag, 18 Dezember', '2026-12-18'],
    ['am 1 Jan', '2027-01-01'],
    ['14 Januar 2028', '2028-01-14'],
    ['on 14 January', '2027-01-14'],
    ['the 3 May', '2027-05-03'],
  ])('when "%s" is said, then the day is %s', (said, date) => {
    expect(dates(said)).toEqual([date]);
  });

  it.each([['um 3 März'], ['at 3 may I come'], ['um 14:30 März']])(
    'when the number is a clock time ("%s"), then it is no day',
    (said) => expect(dates(said)).toEqual([]),
  );
});

describe('a short numeric date', () => {
  it.each([
    ['der 9.12', '2026-12-09'],
    ['am 22.1', '2027-01-22'],
    ['den 7.4.', '2027-04-07'],
    ['am 22.01.', '2027-01-22'],
    ['am 1.2', '2027-02-01'],
    ['ab dem 15.12', '2026-12-15'],
    ['bis zum 3.1', '2027-01-03'],
    ['Mittwoch, 9.12', '2026-12-09'],
    ['am 9.12.2026', '2026-12-09'],
  ])('when "%s" is said, then the day is %s', (said, date) => {
    expect(dates(said)).toEqual([date]);
  });

  it.each([
    ['um 9.12'],
    ['9.12 Uhr'],
    ['um 10.05.'],
    ['2.5'],
    ['das kostet 2.5 Euro'],
    ['der 2.5 Euro'],
    ['kostet der 2.5'],
    ['der 2.5 Liter'],
    ['2.5%'],
    ['Version 9.12'],
    ['der 9.30'],
    ['am 1.2.3'],
  ])('when "%s" is said, then it is no date', (said) => {
    expect(dates(said)).toEqual([]);
  });

  it('when a weekday comes with a short number not on that weekday, then the number is no date', () => {
    // 8 October 2027 is a Friday: "Montag 8.10" may as well mean 8:10
    expect(dates('Montag 8.10')).toEqual(['2026-12-07']);
  });
});

describe('times, amounts and birth dates stay what they are', () => {
  it.each([
    ['Um 9.30 Uhr bitte.', { date: null, time: '09:30' }],
    ['Morgen um 9.30, bitte.', { date: '2026-12-03', time: '09:30' }],
    ['Morgen um 9.12 bitte.', { date: '2026-12-03', time: '09:12' }],
    ['Morgen um 10.05.', { date: '2026-12-03', time: '10:05' }],
    ['Morgen 9.30 Uhr.', { date: '2026-12-03', time: '09:30' }],
    ['Was kostet das? 2.5 Euro?', { date: null, time: null }],
    ['Morgen um 10, kostet der Schnitt 12.50?', { date: '2026-12-03', time: '10:00' }],
    ['Ich bin am 7 März 1961 geboren. Einen Termin am 3 März um 10.', { date: '2027-03-03', time: '10:00' }],
    ['Mein Geburtsdatum ist der 9.12.1961, ich hätte gern morgen um 10.', { date: '2026-12-03', time: '10:00' }],
    ['Morgen um 10, wie zuletzt am 3.5.2025.', { date: '2026-12-03', time: '10:00' }],
  ])('when the caller says "%s", then it is %j', (said, expected) => {
    expect(at(said)).toEqual(expected);
  });

  it('when the caller gives a date of birth without the dot when asked, then that is no wish', () => {
    const asked = 'Agent: Ihr Geburtsdatum bitte?\nUser: 14 Januar 1961.';
    expect(
      readCall({
        transcript: asked,
        callStartedAt: '2026-12-02T10:15:00+01:00',
        timeZone: 'Europe/Berlin',
      }),
    ).toEqual({ date: null, time: null });
    expect(at('Der 9.12 um 15 Uhr.\nAgent: Und Ihr Geburtsdatum?\nUser: Der 14.3.')).toEqual({
      date: '2026-12-09',
      time: '15:00',
    });
  });
});
