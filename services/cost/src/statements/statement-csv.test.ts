import fc from 'fast-check';
import { Exact } from '../money/exact';
import { monthlyStatement } from './monthly-statement';
import { csvField, statementCsv } from './statement-csv';
import { COMPANY, call, retailPlan } from './statement.test-support';

const statementOf = (calls: Parameters<typeof monthlyStatement>[0]['calls']) =>
  monthlyStatement({ companyId: COMPANY, month: '2024-06', currency: 'EUR', calls, plans: [retailPlan('A')] });

describe('a statement as CSV', () => {
  it('when a month has two calls, then the CSV holds a header, a row per call, the fee, the credit and the total', () => {
    const csv = statementCsv(
      statementOf([
        call('call_b', '2024-06-04T10:00:00Z', 30, { usage: '0.15', minimum: '0.05', booking_fees: '1' }),
        call('call_a', '2024-06-03T10:00:00Z', 61, { usage: '0.3' }),
      ]),
    );
    expect(csv.split('\r\n')).toEqual([
      'line,call_id,call_day,started_at,connected_seconds,plan_id,currency,amount,credit',
      'call,call_a,2024-06-03,2024-06-03T10:00:00.000Z,61,A,EUR,0.30,0.30',
      'call,call_b,2024-06-04,2024-06-04T10:00:00.000Z,30,A,EUR,1.20,0.00',
      'monthly_fee,,,,,A,EUR,49.00,',
      'included_minutes_credit,,,,,A,EUR,-0.30,',
      'total,,,,,,EUR,50.20,',
      '',
    ]);
  });

  it('when a field holds a comma, a quote or a line break, then it is quoted with quotes doubled (RFC 4180)', () => {
    expect(['plain', 'a,b', 'say "hi"', 'x\r\ny'].map(csvField)).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"x\r\ny"',
    ]);
    const csv = statementCsv(statementOf([call('id,with"comma', '2024-06-03T10:00:00Z', 61, { usage: '0.3' })]));
    expect(csv.split('\r\n')[1]).toBe('call,"id,with""comma",2024-06-03,2024-06-03T10:00:00.000Z,61,A,EUR,0.30,0.30');
  });

  it('property: the amounts have two decimals and those of the calls, fee and credit add up to the total row', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 9n }).map((n) => Exact.of(n, 10n ** 6n).toDecimalString(6));
    const calls = fc.array(fc.record({ seconds: fc.nat({ max: 600 }), usage: amount, minimum: amount }), {
      maxLength: 10,
    });
    fc.assert(
      fc.property(calls, (given) => {
        const built = given.map((c, i) =>
          call(`c${i}`, `2024-06-0${1 + (i % 9)}T10:00:00.000Z`, c.seconds, { usage: c.usage, minimum: c.minimum }),
        );
        const rows = statementCsv(statementOf(built))
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((r) => r.split(','));
        const amounts = rows.map((r) => r[7]!);
        const toCents = (text: string) => Exact.parse(text).times(Exact.of(100n)).numerator;
        const added = rows.slice(0, -1).reduce((total, r) => total + toCents(r[7]!), 0n);
        return amounts.every((a) => /^-?\d+\.\d{2}$/.test(a)) && added === toCents(rows.at(-1)![7]!);
      }),
    );
  });
});
