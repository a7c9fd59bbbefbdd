import { costCall } from './cost-call';
import { context, facts, rates } from './cost-call.test-support';

/** The rates the ECB published around the days below (figures made up, dates as published). */
const ecbRates = rates({
  USD: {
    '2024-03-27': '1.0830',
    '2024-03-28': '1.0811', // Maundy Thursday; 29 Mar Good Friday and 1 Apr Easter Monday: none
    '2024-04-02': '1.0767',
    '2024-06-27': '1.0696',
    '2024-06-28': '1.0705', // Friday; none on the weekend
    '2024-07-01': '1.0746',
    '2024-07-31': '1.0824',
    '2024-10-25': '1.0823',
    '2024-10-28': '1.0807',
    '2025-04-17': '1.1355', // Maundy Thursday; 18 Apr 2025 Good Friday
  },
});
const callAt = (startUtc: string, durationMs = 60_000) => {
  const startedAt = new Date(startUtc);
  return facts({ startedAt, endedAt: new Date(startedAt.getTime() + durationMs), durationMs });
};
const dayAndRate = (startUtc: string, durationMs?: number, known = ecbRates) => {
  const result = costCall(callAt(startUtc, durationMs), context({ ecbRates: known }));
  return result.kind === 'costed' ? [result.pins.callDay, result.pins.rateDate] : result;
};

describe("a call's day and rate", () => {
  it('when a call starts at 00:30 Berlin on the day summer time begins or ends, then it belongs to that Berlin day', () => {
    expect(dayAndRate('2024-03-30T23:30:00Z')).toEqual(['2024-03-31', '2024-03-28']); // CET, +1; Easter Sunday
    expect(dayAndRate('2024-10-26T22:30:00Z')).toEqual(['2024-10-27', '2024-10-25']); // CEST, +2; Sunday
  });

  it("when a call starts at 23:30 UTC on the 31st, then it is the 1st in Berlin: next month's day and that day's rate", () => {
    const untilJuly = rates({ USD: { '2024-07-30': '1.0816', '2024-07-31': '1.0824' } });
    expect(dayAndRate('2024-07-31T23:30:00Z', 60_000, untilJuly)).toEqual({
      kind: 'pending',
      reason: 'rate',
      waitingFor: 'USD rate of 2024-08-01',
    });
    const withAugust = rates({ USD: { '2024-07-31': '1.0824', '2024-08-01': '1.0800' } });
    expect(dayAndRate('2024-07-31T23:30:00Z', 60_000, withAugust)).toEqual(['2024-08-01', '2024-08-01']);
  });

  it("when a call is on a weekend or a TARGET holiday, then the last working day's rate applies", () => {
    expect(dayAndRate('2024-06-29T10:00:00Z')).toEqual(['2024-06-29', '2024-06-28']); // Saturday
    expect(dayAndRate('2024-06-30T10:00:00Z')).toEqual(['2024-06-30', '2024-06-28']); // Sunday
    expect(dayAndRate('2025-04-18T10:00:00Z')).toEqual(['2025-04-18', '2025-04-17']); // Good Friday
    expect(dayAndRate('2024-04-01T10:00:00Z')).toEqual(['2024-04-01', '2024-03-28']); // Easter Monday
  });

  it('when a call runs over midnight, then its day (and rate) is that of its start', () => {
    expect(dayAndRate('2024-06-27T21:50:00Z', 30 * 60_000)).toEqual(['2024-06-27', '2024-06-27']); // 23:50 → 00:20
  });

  it('when a call never connected, then its day is that of its end', () => {
    const noAnswer = facts({ startedAt: null, endedAt: new Date('2024-06-27T22:00:10Z'), durationMs: 0 });
    const result = costCall(noAnswer, context({ ecbRates }));
    expect(result.kind === 'costed' && [result.pins.callDay, result.pins.rateDate]).toEqual([
      '2024-06-28',
      '2024-06-28',
    ]);
  });

  it('when a costed call keeps the publication date it was costed at, then a day the ECB published later does not move it', () => {
    // costed at 1 July's rate while the 2nd looked skipped (the 3rd was known); the 2nd was imported later
    const known = rates({ USD: { '2024-07-01': '1.0746', '2024-07-02': '1.0745' } });
    const call = callAt('2024-07-02T09:00:00Z');
    const again = costCall(call, context({ ecbRates: known, pinnedRateDate: '2024-07-01' }));
    expect(again.kind === 'costed' && [again.pins.callDay, again.pins.rateDate]).toEqual(['2024-07-02', '2024-07-01']);
    const fresh = costCall(call, context({ ecbRates: known }));
    expect(fresh.kind === 'costed' && fresh.pins.rateDate).toBe('2024-07-02');
  });
});
