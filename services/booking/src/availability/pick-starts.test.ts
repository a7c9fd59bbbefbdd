import { alternativesSearch, pickFreeSlots } from './pick-starts';

const BERLIN = 'Europe/Berlin';
const NOW = new Date('2026-10-01T08:00:00Z');
// Tuesday 13 October 2026 in Berlin (UTC+2): 09:00, 10:30, 14:00, 15:00, 17:45 local
const TUESDAY = [
  '2026-10-13T07:00:00Z',
  '2026-10-13T08:30:00Z',
  '2026-10-13T12:00:00Z',
  '2026-10-13T13:00:00Z',
  '2026-10-13T15:45:00Z',
];

const pick = (overrides: Partial<Parameters<typeof pickFreeSlots>[0]> = {}) =>
  pickFreeSlots({
    freeStartsUtc: TUESDAY,
    timeZone: BERLIN,
    now: NOW,
    durationMinutes: 45,
    limit: 10,
    ...overrides,
  }).map((s) => s.startUtc);

describe('the free starts answered to a live caller', () => {
  it('when Cal.com gives starts out of order and twice, then each is answered once, earliest first, ending after the duration', () => {
    const slots = pickFreeSlots({
      freeStartsUtc: ['2026-10-13T12:00:00.000Z', '2026-10-13T07:00:00Z', '2026-10-13T12:00:00Z'],
      timeZone: BERLIN,
      now: NOW,
      durationMinutes: 45,
      limit: 3,
    });
    expect(slots).toEqual([
      { startUtc: '2026-10-13T07:00:00Z', endUtc: '2026-10-13T07:45:00Z' },
      { startUtc: '2026-10-13T12:00:00Z', endUtc: '2026-10-13T12:45:00Z' },
    ]);
  });

  it('when a window is asked, then only starts from its first minute up to (not including) its last, in local time, are kept', () => {
    // 14:00 (840) up to 17:45 (1065) excluded
    expect(pick({ window: { fromMinute: 14 * 60, toMinute: 17 * 60 + 45 } })).toEqual([
      '2026-10-13T12:00:00Z',
      '2026-10-13T13:00:00Z',
    ]);
  });

  it('when the clocks go back that day, then the window is still read in the local time of each start', () => {
    // Sunday 25 October 2026: 13:00 local is 12:00Z (CET), not 11:00Z
    const starts = ['2026-10-25T11:00:00Z', '2026-10-25T12:00:00Z'];
    expect(pick({ freeStartsUtc: starts, window: { fromMinute: 13 * 60, toMinute: 14 * 60 } })).toEqual([
      '2026-10-25T12:00:00Z',
    ]);
  });

  it('when starts lie at or before now, then they are not offered', () => {
    expect(pick({ now: new Date('2026-10-13T08:30:00Z') })).toEqual([
      '2026-10-13T12:00:00Z',
      '2026-10-13T13:00:00Z',
      '2026-10-13T15:45:00Z',
    ]);
  });

  it('when the wished start is free, then it comes first, even outside the window', () => {
    expect(pick({ wishedStartUtc: '2026-10-13T13:00:00Z', limit: 3 })).toEqual([
      '2026-10-13T13:00:00Z',
      '2026-10-13T07:00:00Z',
      '2026-10-13T08:30:00Z',
    ]);
    expect(
      pick({ wishedStartUtc: '2026-10-13T07:00:00.000Z', window: { fromMinute: 14 * 60, toMinute: 17 * 60 + 45 } }),
    ).toEqual(['2026-10-13T07:00:00Z', '2026-10-13T12:00:00Z', '2026-10-13T13:00:00Z']);
  });

  it('when the wished start is taken, then the free ones are answered earliest first', () => {
    expect(pick({ wishedStartUtc: '2026-10-13T12:30:00Z', limit: 2 })).toEqual([
      '2026-10-13T07:00:00Z',
      '2026-10-13T08:30:00Z',
    ]);
  });

  it('when more are free than asked for, then the limit is answered', () => {
    expect(pick({ limit: 1 })).toEqual(['2026-10-13T07:00:00Z']);
  });
});

describe('where alternatives are looked for when nothing is free', () => {
  it('when a start was wished, then around it, up to a week after the last asked day', () => {
    expect(
      alternativesSearch(
        { fromDay: '2026-10-13', toDay: '2026-10-14', wishedStartUtc: '2026-10-14T12:30:00.000Z' },
        BERLIN,
      ),
    ).toEqual({ wishedStartUtc: '2026-10-14T12:30:00Z', toDay: '2026-10-21', windowDays: 7 });
  });

  it("when no start was wished, then around the window's first minute on the first asked day, in the branch's zone", () => {
    const window = { fromMinute: 14 * 60, toMinute: 18 * 60 };
    // 14:00 in Berlin is 12:00Z in summer time and 13:00Z in winter time
    expect(alternativesSearch({ fromDay: '2026-10-13', toDay: '2026-10-13', window }, BERLIN)).toEqual({
      wishedStartUtc: '2026-10-13T12:00:00Z',
      toDay: '2026-10-20',
      windowDays: 7,
    });
    expect(alternativesSearch({ fromDay: '2026-12-01', toDay: '2026-12-03', window }, BERLIN)).toMatchObject({
      wishedStartUtc: '2026-12-01T13:00:00Z',
      windowDays: 9,
    });
  });

  it('when neither a start nor a window was asked, then around midnight of the first asked day', () => {
    expect(alternativesSearch({ fromDay: '2026-10-13', toDay: '2026-10-13' }, BERLIN)).toMatchObject({
      wishedStartUtc: '2026-10-12T22:00:00Z',
    });
  });
});
