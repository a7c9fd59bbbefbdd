import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { easterSunday } from '@rb/german-dates';
import { SHARED_DIR } from '../../../../test/paths';
import { Exact } from '../money/exact';
import { parseEcbHistoryCsv, parseEcbXml } from './ecb-files';
import { callDayOf, rateForCall } from './rate-for-call';
import { isTargetWorkingDay, lastWorkingDayOnOrBefore } from './target-calendar';

const rates = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([date, rate]) => [date, Exact.parse(rate)]));

describe('TARGET calendar', () => {
  it('when a day is a weekend or a TARGET holiday, then the ECB publishes no rate for it', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    for (const holiday of ['2024-01-01', '2024-03-29', '2024-04-01', '2024-05-01', '2024-12-25', '2024-12-26']) {
      expect([holiday, isTargetWorkingDay(holiday)]).toEqual([holiday, false]);
    }
    expect(isTargetWorkingDay('2024-06-29')).toBe(false); // Saturday
    expect(isTargetWorkingDay('2024-06-28')).toBe(true); // Friday
    expect(isTargetWorkingDay('2024-10-03')).toBe(true); // a German holiday, not a TARGET one
    expect(lastWorkingDayOnOrBefore('2024-04-01')).toBe('2024-03-28'); // Easter Monday → Maundy Thursday
    expect(() => isTargetWorkingDay('2024-02-30')).toThrow(RangeError);
  });
});

describe('ECB files', () => {
  it("when the daily XML of 2024-06-28 is read, then each currency's rate is kept exactly as written", () => {
    const parsed = parseEcbXml(readFileSync(join(SHARED_DIR, 'cost', 'ecb-eurofxref-daily.2024-06-28.xml'), 'utf8'));
    if (parsed.kind !== 'parsed') throw new Error(parsed.problems.join('; '));
    expect(parsed.days.map((d) => d.date)).toEqual(['2024-06-28']);
    const day = parsed.days[0]!;
    expect(day.rates.get('USD')?.toDecimalString()).toBe('1.0705');
    expect(day.rates.get('GBP')?.toDecimalString()).toBe('0.84638');
    expect(day.rates.get('HUF')?.toDecimalString()).toBe('395.1');
    expect(day.rates.size).toBeGreaterThan(25);
  });

  it('when the XML holds several days, then each day keeps only its own rates', () => {
    const parsed = parseEcbXml(`<Cube><Cube time='2024-06-28'><Cube currency='USD' rate='1.0705'/></Cube>
      <Cube time="2024-06-27"><Cube currency="USD" rate="1.0696"/><Cube currency='JPY' rate='171.8'/></Cube></Cube>`);
    if (parsed.kind !== 'parsed') throw new Error(parsed.problems.join('; '));
    expect(parsed.days.map((d) => [d.date, [...d.rates.keys()]])).toEqual([
      ['2024-06-28', ['USD']],
      ['2024-06-27', ['USD', 'JPY']],
    ]);
  });

  it('when the XML is something else or a rate is broken, then every problem is named and nothing is returned', () => {
    expect(parseEcbXml('<html>maintenance</html>')).toMatchObject({ kind: 'invalid' });
    const broken = parseEcbXml(`<Cube time='2024-06-28'><Cube currency='USD' rate='1,07'/></Cube>`);
    expect(broken).toEqual({
      kind: 'invalid',
      problems: ['2024-06-28: "USD" has no usable rate', '2024-06-28: no rates'],
    });
  });

  it('when the history CSV is read, then N/A cells and trailing commas are skipped, not read as rates', () => {
    const parsed = parseEcbHistoryCsv(
      'Date,USD,JPY,CYP,\n2024-06-28,1.0705,171.94,N/A,\n2024-06-27,1.0696,171.8,N/A,\n',
    );
    if (parsed.kind !== 'parsed') throw new Error(parsed.problems.join('; '));
    expect(
      parsed.days.map((d) => [d.date, Object.fromEntries([...d.rates].map(([c, r]) => [c, r.toDecimalString()]))]),
    ).toEqual([
      ['2024-06-28', { USD: '1.0705', JPY: '171.94' }],
      ['2024-06-27', { USD: '1.0696', JPY: '171.8' }],
    ]);
    expect(parseEcbHistoryCsv('Datum;USD\n')).toMatchObject({ kind: 'invalid' });
    expect(parseEcbHistoryCsv('Date,USD,\n28.06.2024,1.07,\n')).toEqual({
      kind: 'invalid',
      problems: ['line 2: "28.06.2024" is not a date', 'no day in the file'],
    });
  });
});

describe('the rate a call is converted at', () => {
  const known = rates({
    '2024-03-27': '1.0816',
    '2024-03-28': '1.0811',
    '2024-06-27': '1.0696',
    '2024-06-28': '1.0705',
  });

  it("when the call's day in Berlin has a rate, then that one, even where the UTC date is the day before", () => {
    // 23:30 UTC on 27 June is 01:30 on 28 June in Berlin (summer time)
    expect(rateForCall(new Date('2024-06-27T23:30:00Z'), known)).toMatchObject({
      kind: 'rate',
      callDay: '2024-06-28',
      rateDate: '2024-06-28',
    });
    expect(callDayOf(new Date('2024-06-27T21:59:59Z'))).toBe('2024-06-27');
  });

  it("when the call is on a weekend or a TARGET holiday, then the last working day's rate", () => {
    expect(rateForCall(new Date('2024-06-30T10:00:00Z'), known)).toMatchObject({ rateDate: '2024-06-28' });
    // Good Friday and Easter Monday 2024 → Maundy Thursday
    expect(rateForCall(new Date('2024-03-29T10:00:00Z'), known)).toMatchObject({ rateDate: '2024-03-28' });
    expect(rateForCall(new Date('2024-04-01T10:00:00Z'), known)).toMatchObject({
      kind: 'rate',
      rateDate: '2024-03-28',
    });
  });

  it('when the day of DST change is a Sunday, then the call day follows Berlin time', () => {
    // 31 March 2024, clocks go forward at 02:00; 00:30 UTC is 01:30 CET on the 31st
    expect(callDayOf(new Date('2024-03-30T23:30:00Z'))).toBe('2024-03-31');
    expect(rateForCall(new Date('2024-03-30T23:30:00Z'), known)).toMatchObject({ rateDate: '2024-03-28' });
  });

  it('when the rate of the day is not published yet, then the call waits instead of taking a guess', () => {
    expect(rateForCall(new Date('2024-07-01T08:00:00Z'), known)).toEqual({
      kind: 'pending',
      callDay: '2024-07-01',
      waitingFor: '2024-07-01',
    });
    expect(rateForCall(new Date('2024-07-01T08:00:00Z'), new Map())).toMatchObject({ kind: 'pending' });
  });

  it('when a later rate is known but the day has none, then the ECB skipped it and the last one before applies', () => {
    const skipped = rates({ '2024-06-26': '1.0700', '2024-06-28': '1.0705' });
    expect(rateForCall(new Date('2024-06-27T12:00:00Z'), skipped)).toMatchObject({
      kind: 'rate',
      rateDate: '2024-06-26',
    });
  });
});
