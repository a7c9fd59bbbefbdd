import fc from 'fast-check';
import { Exact, formatUnits, sum } from './exact';

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }))
  .map(([negative, units, decimals]) => `${negative && units > 0n ? '-' : ''}${formatUnits(units, decimals)}`);
const exact = decimalText.map((text) => Exact.parse(text));

describe('Exact', () => {
  it("when Retell's fractional cents are summed, then nothing is lost (6.3 + 1.44 + 1.35 = 9.09, fixture 02)", () => {
    expect(sum(['6.3', '1.44', '1.35'].map(Exact.parse)).toDecimalString()).toBe('9.09');
    // where floats drift: 0.1 + 0.2 is 0.30000000000000004 as a number
    expect(Exact.parse('0.1').plus(Exact.parse('0.2')).toDecimalString()).toBe('0.3');
  });

  it('when US cents are converted at an ECB rate, then the quotient is exact until rounded once', () => {
    // 9.09 USD cents at USD 1.0705 per EUR
    const eurCents = Exact.parse('9.09').dividedBy(Exact.parse('1.0705'));
    expect(eurCents.times(Exact.parse('1.0705')).equals(Exact.parse('9.09'))).toBe(true);
    expect(eurCents.roundTo(4)).toBe(84914n); // 8.49136852…
    expect(eurCents.roundTo(0)).toBe(8n);
  });

  it('when rounding, then halves go away from zero and everything else to the nearest', () => {
    expect(Exact.parse('0.125').roundTo(2)).toBe(13n);
    expect(Exact.parse('-0.125').roundTo(2)).toBe(-13n);
    expect(Exact.parse('0.1249').roundTo(2)).toBe(12n);
    expect(Exact.parse('-0.1251').roundTo(2)).toBe(-13n);
    expect(Exact.of(1n, 3n).roundTo(2)).toBe(33n);
    expect(Exact.of(2n, 3n).roundTo(2)).toBe(67n);
  });

  it('when the text is not a plain decimal, then it is refused', () => {
    for (const bad of ['', '1e3', '1,5', '.5', '5.', 'NaN', '0x10', '1.2.3']) {
      expect(() => Exact.parse(bad)).toThrow(RangeError);
    }
    expect(() => Exact.parse('1').dividedBy(Exact.ZERO)).toThrow(RangeError);
  });

  it('when formatted, then a finite decimal comes back exactly as written in canonical form', () => {
    expect(Exact.parse('0.0005').toDecimalString()).toBe('0.0005');
    expect(Exact.parse('-12.500').toDecimalString()).toBe('-12.5');
    expect(Exact.of(1n, 3n).toDecimalString(4)).toBe('0.3333');
    expect(formatUnits(-5n, 2)).toBe('-0.05');
  });

  it('property: parsing and formatting a decimal loses nothing', () => {
    fc.assert(
      fc.property(decimalText, (text) => Exact.parse(Exact.parse(text).toDecimalString()).equals(Exact.parse(text))),
    );
  });

  it('property: a sum split in any two parts and added again is the whole, to the last digit', () => {
    fc.assert(
      fc.property(fc.array(exact, { maxLength: 20 }), fc.nat(), (amounts, at) => {
        const cut = amounts.length === 0 ? 0 : at % amounts.length;
        return sum(amounts.slice(0, cut))
          .plus(sum(amounts.slice(cut)))
          .equals(sum(amounts));
      }),
    );
  });

  it('property: converting at a rate and back is the identity, and rounding moves at most half a unit', () => {
    const rate = fc.integer({ min: 1, max: 10 ** 7 }).map((n) => Exact.of(BigInt(n), 10000n));
    fc.assert(
      fc.property(exact, rate, (amount, r) => {
        const converted = amount.dividedBy(r);
        const back = converted.times(r).equals(amount);
        const rounded = Exact.of(converted.roundTo(2), 100n);
        const error = rounded.minus(converted);
        const withinHalfCent = error.compare(Exact.parse('0.005')) <= 0 && error.compare(Exact.parse('-0.005')) >= 0;
        return back && withinHalfCent;
      }),
    );
  });
});
