import type { TwilioRate } from '../costing/cost-inputs';
import { Exact } from '../money/exact';
import { overlappingTwilioRates, twilioRateInForce, validateTwilioRate } from './twilio-rates';

const at = (iso: string) => new Date(iso);
const rate = (id: string, extra: Partial<TwilioRate> = {}): TwilioRate => ({
  id,
  direction: 'inbound',
  numberType: 'local',
  usdPerMinute: Exact.parse('0.0085'),
  unit: 'per_started_minute',
  validFrom: at('2024-01-01T00:00:00Z'),
  validUntil: at('2024-07-01T00:00:00Z'),
  ...extra,
});

describe("Twilio's rates for imported numbers", () => {
  const rates = [
    rate('in-local'),
    rate('in-local-july', { validFrom: at('2024-07-01T00:00:00Z'), validUntil: null }),
    rate('out-local', { direction: 'outbound' }),
    rate('in-mobile', { numberType: 'mobile' }),
  ];

  it('when a call is costed, then the rate of its direction and number type in force at its start applies', () => {
    expect(twilioRateInForce(rates, 'inbound', 'local', at('2024-06-30T23:59:59Z'))?.id).toBe('in-local');
    expect(twilioRateInForce(rates, 'inbound', 'local', at('2024-07-01T00:00:00Z'))?.id).toBe('in-local-july');
    expect(twilioRateInForce(rates, 'outbound', 'local', at('2024-06-01T00:00:00Z'))?.id).toBe('out-local');
    expect(twilioRateInForce(rates, 'inbound', 'toll_free', at('2024-06-01T00:00:00Z'))).toBeNull();
    expect(twilioRateInForce(rates, 'outbound', 'local', at('2024-07-01T00:00:00Z'))).toBeNull();
  });

  it('when a candidate overlaps a rate of the same direction and number type, then only that rate is named', () => {
    const candidate = rate('new', { validFrom: at('2024-06-15T00:00:00Z'), validUntil: null });
    expect(overlappingTwilioRates(rates, candidate).map((r) => r.id)).toEqual(['in-local', 'in-local-july']);
    expect(overlappingTwilioRates(rates, rate('in-local'))).toEqual([]);
  });

  it('when the API receives a rate, then its amount is an exact decimal string and every problem is named', () => {
    const input = {
      id: '0b6f2f9e-3c7d-4a1e-8f52-6d9c1a4e7b30',
      direction: 'inbound',
      numberType: 'local',
      usdPerMinute: '0.0085',
      validFrom: '2024-01-01T00:00:00+01:00',
      validUntil: null,
    };
    const valid = validateTwilioRate(input);
    expect(valid.kind === 'valid' && [valid.rate.usdPerMinute.toDecimalString(), valid.rate.unit]).toEqual([
      '0.0085',
      'per_started_minute',
    ]);
    const invalid = validateTwilioRate({ ...input, direction: 'web', usdPerMinute: 0.0085, unit: 'per_second' });
    expect(invalid.kind === 'invalid' && invalid.problems.map((p) => p.split(':')[0])).toEqual([
      'direction',
      'usdPerMinute',
      'unit',
    ]);
    expect(validateTwilioRate({ ...input, validUntil: input.validFrom })).toEqual({
      kind: 'invalid',
      problems: ['validUntil: must be after validFrom'],
    });
  });
});
