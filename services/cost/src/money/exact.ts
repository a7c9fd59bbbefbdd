/**
 * Exact amounts: a fraction of two bigints, never a float. Retell's fractional cents ("6.3"), the
 * ECB's rates ("1.0705") and every sum, product and quotient of them stay exact; an amount is rounded
 * only where it is shown or booked, by `roundTo`, the one place rounding happens.
 */
export class Exact {
  private constructor(
    readonly numerator: bigint,
    /** always positive; the fraction is kept reduced */
    readonly denominator: bigint,
  ) {}

  static readonly ZERO = new Exact(0n, 1n);

  static of(numerator: bigint, denominator = 1n): Exact {
    if (denominator === 0n) throw new RangeError('division by zero');
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(abs(numerator), abs(denominator)) || 1n;
    return new Exact((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  /** A decimal as written ("6.3", "-0.0005", "1.0705", "12"); no exponents, no thousands separators. */
  static parse(text: string): Exact {
    const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!match) throw new RangeError(`not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
    const [, sign, whole, fraction = ''] = match;
    const digits = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
    return Exact.of(digits, 10n ** BigInt(fraction.length));
  }

  plus(other: Exact): Exact {
    return Exact.of(
      this.numerator * other.denominator + other.numerator * this.denominator,
      this.denominator * other.denominator,
    );
  }

  minus(other: Exact): Exact {
    return this.plus(other.negated());
  }

  times(other: Exact): Exact {
    return Exact.of(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  dividedBy(other: Exact): Exact {
    if (other.numerator === 0n) throw new RangeError('division by zero');
    return Exact.of(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  negated(): Exact {
    return new Exact(-this.numerator, this.denominator);
  }

  compare(other: Exact): -1 | 0 | 1 {
    const difference = this.minus(other).numerator;
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }

  equals(other: Exact): boolean {
    return this.numerator === other.numerator && this.denominator === other.denominator;
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  /**
   * The one rounding rule: to `decimals` places, half away from zero (kaufmännisch runden, what
   * German invoices use): 0.125 → 0.13, -0.125 → -0.13, 0.1249 → 0.12. Returns the integer count of
   * 10^-decimals units, e.g. euro cents for decimals = 2.
   */
  roundTo(decimals: number): bigint {
    if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError('decimals must be a whole number ≥ 0');
    const scaled = abs(this.numerator) * 10n ** BigInt(decimals);
    const quotient = scaled / this.denominator;
    const remainder = scaled % this.denominator;
    const rounded = remainder * 2n >= this.denominator ? quotient + 1n : quotient;
    return this.numerator < 0n ? -rounded : rounded;
  }

  /** Exactly as a decimal string when it has a finite expansion within `maxDecimals`, else rounded there. */
  toDecimalString(maxDecimals = 12): string {
    for (let decimals = 0; decimals <= maxDecimals; decimals++) {
      const units = this.roundTo(decimals);
      if (Exact.of(units, 10n ** BigInt(decimals)).equals(this)) return formatUnits(units, decimals);
    }
    return formatUnits(this.roundTo(maxDecimals), maxDecimals);
  }
}

/** `units` of 10^-decimals as a decimal string: formatUnits(-5n, 2) = "-0.05". */
export function formatUnits(units: bigint, decimals: number): string {
  const digits = abs(units)
    .toString()
    .padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${units < 0n ? '-' : ''}${whole}${fraction}`;
}

/** Sums exactly; the empty sum is zero. */
export function sum(amounts: readonly Exact[]): Exact {
  return amounts.reduce((total, amount) => total.plus(amount), Exact.ZERO);
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
