import type { TimeArgs } from './wished-time';
import { readWishedTime } from './wished-time';

/** Tuesday 13 October 2026, 11:15 in Berlin; the salon works Tuesday to Saturday */
const context = { now: new Date('2026-10-13T09:15:00Z'), timeZone: 'Europe/Berlin', workingDays: [2, 3, 4, 5, 6] };
const read = (args: TimeArgs) => readWishedTime(args, context);
const lookFor = (args: TimeArgs) => {
  const wish = read(args);
  return wish.kind === 'understood' ? wish.lookFor : wish;
};

describe('where booking should look, from what the LLM passed', () => {
  it('when one ISO day and a part of the day are passed, then that day within the afternoon’s minutes', () => {
    expect(lookFor({ datumVon: '2026-10-16', datumBis: '2026-10-16', tageszeit: 'nachmittag' })).toEqual({
      fromDay: '2026-10-16',
      toDay: '2026-10-16',
      window: { fromMinute: 12 * 60, toMinute: 17 * 60 },
    });
  });

  it('when the part of the day is English, then it is read the same', () => {
    expect(lookFor({ datumVon: '2026-10-16', tageszeit: 'afternoon' })).toEqual(
      lookFor({ datumVon: '2026-10-16', tageszeit: 'nachmittag' }),
    );
  });

  it('when "morgen früh" is said, then tomorrow morning', () => {
    expect(lookFor({ wann: 'morgen früh' })).toEqual({
      fromDay: '2026-10-14',
      toDay: '2026-10-14',
      window: { fromMinute: 8 * 60, toMinute: 12 * 60 },
    });
  });

  it('when "nächsten Dienstag nachmittags" is passed as datum_von, then next Tuesday afternoon', () => {
    expect(lookFor({ datumVon: 'nächsten Dienstag nachmittags' })).toEqual({
      fromDay: '2026-10-20',
      toDay: '2026-10-20',
      window: { fromMinute: 12 * 60, toMinute: 17 * 60 },
    });
  });

  it('when one day is passed with no part of the day and no clock time, then no window: every start Cal.com offers that day, 07:30 and 20:00 too', () => {
    expect(lookFor({ datumVon: '2026-10-16' })).toEqual({ fromDay: '2026-10-16', toDay: '2026-10-16' });
    expect(lookFor({ wann: 'am Freitag' })).not.toHaveProperty('window');
  });

  it('when today is asked with no part of the day, then no window either: booking drops the starts already past', () => {
    expect(lookFor({ datumVon: '2026-10-13' })).toEqual({ fromDay: '2026-10-13', toDay: '2026-10-13' });
  });

  it('when this morning is asked, then the rest of the morning from now on', () => {
    expect(lookFor({ datumVon: '2026-10-13', tageszeit: 'vormittag' })).toEqual({
      fromDay: '2026-10-13',
      toDay: '2026-10-13',
      window: { fromMinute: 11 * 60 + 15, toMinute: 12 * 60 },
    });
  });

  it('when a clock time is said, then it is the wished start (UTC) and the day from that time on is looked at', () => {
    expect(lookFor({ wann: 'übermorgen um halb drei' })).toEqual({
      fromDay: '2026-10-15',
      toDay: '2026-10-15',
      window: { fromMinute: 14 * 60 + 30, toMinute: 24 * 60 },
      wishedStartUtc: '2026-10-15T12:30:00.000Z',
    });
  });

  it('when several days are passed, then each of them within the part of the day, or with no window when none was said', () => {
    expect(lookFor({ datumVon: '2026-10-14', datumBis: '2026-10-17', tageszeit: 'vormittag' })).toEqual({
      fromDay: '2026-10-14',
      toDay: '2026-10-17',
      window: { fromMinute: 8 * 60, toMinute: 12 * 60 },
    });
    expect(lookFor({ wann: 'nächste Woche' })).toEqual({ fromDay: '2026-10-20', toDay: '2026-10-24' });
    // a different part of the day at each end is no one part for every day
    expect(lookFor({ datumVon: 'Mittwoch vormittags', datumBis: 'Freitag nachmittags' })).toEqual({
      fromDay: '2026-10-14',
      toDay: '2026-10-16',
    });
  });

  it.each(['so bald wie möglich', 'nächster freier Termin', 'egal wann', 'ASAP'])(
    'when "%s" is said, then today and the 13 days after it, with no window',
    (phrase) => {
      expect(lookFor({ wann: phrase })).toEqual({ fromDay: '2026-10-13', toDay: '2026-10-26' });
    },
  );

  it('when the next free time is wished in the evening, then the evening of each of the 14 days', () => {
    expect(lookFor({ datumVon: 'so bald wie möglich', tageszeit: 'abend' })).toMatchObject({
      window: { fromMinute: 17 * 60, toMinute: 20 * 60 },
    });
  });

  it.each([
    ['nothing is passed', 'missing_date', {}],
    ['the phrase names no day', 'date_not_understood', { wann: 'irgendwann mal' }],
    ['the ISO day does not exist', 'date_not_understood', { datumVon: '2026-02-30' }],
    ['the day is over', 'date_in_past', { datumVon: '2026-10-12' }],
    ['datum_bis is before datum_von', 'date_range_reversed', { datumVon: '2026-10-20', datumBis: '2026-10-16' }],
    ['datum_bis is in the past', 'date_range_reversed', { datumVon: '2026-10-20', datumBis: '2026-10-01' }],
    ['the range spans 15 days', 'date_range_too_long', { datumVon: '2026-10-14', datumBis: '2026-10-28' }],
  ] as [string, string, TimeArgs][])('when %s, then it is not understood: %s', (_, reason, args) => {
    expect(read(args)).toEqual({ kind: 'not_understood', reason });
  });

  it('when the range spans exactly 14 days, then it is asked', () => {
    expect(lookFor({ datumVon: '2026-10-14', datumBis: '2026-10-27' })).toMatchObject({ toDay: '2026-10-27' });
  });
});
