import { findAlternatives } from './find-alternatives';

const berlinWeekdays = { timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5], federalState: 'NW' as const };
const NOW = '2026-01-01T00:00:00Z';

describe('alternatives for a wished slot that is taken', () => {
  // Tuesday 13 October 2026, 14:00 in Berlin (12:00Z)
  const wish = '2026-10-13T12:00:00Z';
  const free = [
    '2026-10-13T08:00:00Z', // same day 10:00
    '2026-10-13T13:00:00Z', // same day 15:00
    '2026-10-13T14:30:00Z', // same day 16:30
    '2026-10-14T12:00:00Z', // Wednesday 14:00
    '2026-10-20T12:00:00Z', // Tuesday a week later 14:00
  ];

  it('when the wished day has other free times, then those come first, the closest first', () => {
    const offered = findAlternatives({
      wishedStartUtc: wish,
      freeStartsUtc: free,
      branch: berlinWeekdays,
      nowUtc: NOW,
    });
    expect(offered.map((a) => [a.startLocal, a.strategy, a.minutesFromWish])).toEqual([
      ['2026-10-13T15:00:00', 'same_day_other_time', 60],
      ['2026-10-13T16:30:00', 'same_day_other_time', 150],
      ['2026-10-13T10:00:00', 'same_day_other_time', 240],
    ]);
  });

  it('when more are asked for, then the next working day at the same time and the same weekday a week later follow', () => {
    const offered = findAlternatives({
      wishedStartUtc: wish,
      freeStartsUtc: free,
      branch: berlinWeekdays,
      count: 5,
      nowUtc: NOW,
    });
    expect(offered.slice(3).map((a) => [a.startLocal, a.strategy])).toEqual([
      ['2026-10-14T14:00:00', 'next_workday_same_time'],
      ['2026-10-20T14:00:00', 'next_week_same_day'],
    ]);
  });

  it('when only later days have room, then the earliest slot of the next working day that has one is offered', () => {
    const offered = findAlternatives({
      wishedStartUtc: wish,
      freeStartsUtc: ['2026-10-15T07:30:00Z', '2026-10-16T12:00:00Z'],
      branch: berlinWeekdays,
      nowUtc: NOW,
    });
    expect(offered.map((a) => [a.startLocal, a.strategy])).toEqual([['2026-10-15T09:30:00', 'next_available_workday']]);
  });

  it('when the next days are a weekend and Christmas, then the next working day is the Monday after', () => {
    // Thursday 24 December 2026, 10:00; 25 and 26 are holidays, 27 is Sunday
    const offered = findAlternatives({
      wishedStartUtc: '2026-12-24T09:00:00Z',
      freeStartsUtc: ['2026-12-25T09:00:00Z', '2026-12-26T09:00:00Z', '2026-12-28T09:00:00Z'],
      branch: berlinWeekdays,
      nowUtc: NOW,
    });
    expect(offered.map((a) => [a.startLocal, a.strategy])).toEqual([['2026-12-28T10:00:00', 'next_workday_same_time']]);
  });

  it("when a holiday is one only some states keep, then it counts only in the branch's state", () => {
    // Fronleichnam, Thursday 4 June 2026: a holiday in NW, not in SN
    const query = {
      wishedStartUtc: '2026-06-03T08:00:00Z',
      freeStartsUtc: ['2026-06-04T08:00:00Z', '2026-06-05T08:00:00Z'],
      nowUtc: NOW,
      count: 1,
    };
    expect(findAlternatives({ ...query, branch: berlinWeekdays })[0]!.startLocal).toBe('2026-06-05T10:00:00');
    expect(findAlternatives({ ...query, branch: { ...berlinWeekdays, federalState: 'SN' } })[0]!.startLocal).toBe(
      '2026-06-04T10:00:00',
    );
  });

  it('when the clocks change between the wish and a week later, then "the same time" is the same local time', () => {
    // Friday 23 October 2026 10:00 CEST; a week later, 10:00 is CET (09:00Z)
    const offered = findAlternatives({
      wishedStartUtc: '2026-10-23T08:00:00Z',
      freeStartsUtc: ['2026-10-30T09:00:00Z'],
      branch: berlinWeekdays,
      nowUtc: NOW,
    });
    expect(offered).toEqual([
      {
        startUtc: '2026-10-30T09:00:00Z',
        startLocal: '2026-10-30T10:00:00',
        strategy: 'next_week_same_day',
        minutesFromWish: 7 * 24 * 60 + 60,
      },
    ]);
  });

  it('when slots lie beyond the window, on a closed day, in the past or are the wish itself, then they are not offered', () => {
    const offered = findAlternatives({
      wishedStartUtc: wish,
      freeStartsUtc: [wish, '2026-10-24T08:00:00Z', '2026-10-31T08:00:00Z', '2026-10-14T08:00:00Z'],
      branch: { ...berlinWeekdays, workingDays: [1, 2, 3, 4, 5, 6], closedDays: ['2026-10-14'] },
      windowDays: 11,
      nowUtc: NOW,
    });
    // Saturday 24th is a working day here and within 11 days; the 31st is beyond them; the 14th is closed
    expect(offered.map((a) => a.startLocal)).toEqual(['2026-10-24T10:00:00']);
    expect(
      findAlternatives({
        wishedStartUtc: wish,
        freeStartsUtc: free,
        branch: berlinWeekdays,
        nowUtc: '2026-10-13T13:30:00Z',
      }).map((a) => a.startLocal),
    ).toEqual(['2026-10-13T16:30:00', '2026-10-14T14:00:00', '2026-10-20T14:00:00']);
  });
});
