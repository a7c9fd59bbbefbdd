import { easterSunday, holidaysOf } from './german-holidays';

describe('German public holidays as data', () => {
  it('when Easter is computed, then known years come out right', () => {
    expect([2024, 2025, 2026, 2027, 2038].map(easterSunday)).toEqual([
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2038-04-25',
    ]);
  });

  it('when a state is asked, then it has the nationwide days and its own', () => {
    const nw = holidaysOf(2026, 'NW');
    expect(nw.get('2026-04-03')).toBe('Karfreitag');
    expect(nw.get('2026-05-14')).toBe('Christi Himmelfahrt');
    expect(nw.get('2026-06-04')).toBe('Fronleichnam');
    expect(nw.get('2026-11-01')).toBe('Allerheiligen');
    expect(nw.has('2026-10-31')).toBe(false);
    expect(holidaysOf(2026, 'SN').get('2026-11-18')).toBe('Buß- und Bettag');
    expect(holidaysOf(2025, 'SN').get('2025-11-19')).toBe('Buß- und Bettag');
    expect(holidaysOf(2026, 'BE').get('2026-03-08')).toBe('Internationaler Frauentag');
    expect(holidaysOf(2017, 'HH').has('2017-10-31')).toBe(false);
    expect(holidaysOf(2017, 'SN').has('2017-10-31')).toBe(true);
    expect(holidaysOf(2026, null).size).toBe(9);
  });
});
