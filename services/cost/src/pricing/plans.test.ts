import fc from 'fast-check';
import type { Plan } from '../costing/cost-inputs';
import { Exact, formatUnits } from '../money/exact';
import { validatePlan } from './plan-input';
import { overlapping, planInForce, plansForCompany } from './plans';
import { validitiesOverlap } from './validity';

const COMPANY = '11111111-1111-4111-8111-111111111111';
const OTHER_COMPANY = '22222222-2222-4222-8222-222222222222';
const RESELLER = '33333333-3333-4333-8333-333333333333';
const at = (iso: string) => new Date(iso);
const plan = (id: string, extra: Partial<Plan> = {}): Plan => ({
  id,
  seller: 'platform',
  buyer: { kind: 'default' },
  currency: 'EUR',
  unit: 'per_second',
  pricePerUnit: Exact.parse('0.0025'),
  minimumPerConnectedCall: Exact.parse('0.2'),
  feePerConfirmedBooking: null,
  monthlyFee: Exact.parse('49'),
  includedMinutes: 100,
  validFrom: at('2024-01-01T00:00:00+01:00'),
  validUntil: null,
  ...extra,
});
const june = { validFrom: at('2024-06-01T00:00:00+02:00'), validUntil: at('2024-07-01T00:00:00+02:00') };

describe('the plan in force', () => {
  const plans = [
    plan('default'),
    plan('company-june', { buyer: { kind: 'company', companyId: COMPANY }, ...june }),
    plan('reseller-default', { seller: RESELLER }),
  ];

  it("when a company has its own plan, then it beats the seller's default plan, which others still get", () => {
    const mid = at('2024-06-15T12:00:00Z');
    expect(planInForce(plans, 'platform', { kind: 'company', companyId: COMPANY }, mid)?.id).toBe('company-june');
    expect(planInForce(plans, 'platform', { kind: 'company', companyId: OTHER_COMPANY }, mid)?.id).toBe('default');
    expect(planInForce(plans, RESELLER, { kind: 'company', companyId: COMPANY }, mid)?.id).toBe('reseller-default');
  });

  it('when the instant is the end of a validity, then that plan no longer applies ([validFrom, validUntil))', () => {
    const buyer = { kind: 'company', companyId: COMPANY } as const;
    expect(planInForce(plans, 'platform', buyer, at('2024-05-31T22:00:00Z'))?.id).toBe('company-june');
    expect(planInForce(plans, 'platform', buyer, at('2024-06-30T22:00:00Z'))?.id).toBe('default');
    expect(planInForce(plans, 'platform', buyer, at('2023-12-31T22:59:59Z'))).toBeNull();
  });

  it("when a company buys through a reseller, then wholesale is the platform's plan for the reseller and retail the reseller's", () => {
    const wholesale = plan('wholesale', { buyer: { kind: 'reseller', resellerId: RESELLER } });
    const all = [...plans, wholesale];
    const through = plansForCompany(all, company(RESELLER), at('2024-06-15T12:00:00Z'));
    expect([through.wholesale?.id, through.retail?.id]).toEqual(['wholesale', 'reseller-default']);
    const direct = plansForCompany(all, company(null), at('2024-06-15T12:00:00Z'));
    expect([direct.wholesale?.id, direct.retail?.id]).toEqual(['company-june', 'company-june']);
    expect(plansForCompany([wholesale], company(RESELLER), at('2024-06-15T12:00:00Z')).retail).toBeNull();
  });
});

describe('overlapping plans', () => {
  const mine = { buyer: { kind: 'company', companyId: COMPANY } } as const;

  it('when a candidate shares an instant with a plan of the same seller and buyer, then that plan is named', () => {
    const existing = [
      plan('june', { ...mine, ...june }),
      plan('july-on', { ...mine, validFrom: june.validUntil }),
      plan('other-buyer', { buyer: { kind: 'company', companyId: OTHER_COMPANY }, ...june }),
      plan('default', june),
    ];
    const candidate = plan('mid-june-on', { ...mine, validFrom: at('2024-06-15T00:00:00+02:00') });
    expect(overlapping(existing, candidate).map((p) => p.id)).toEqual(['june', 'july-on']);
    const touching = plan('may', { ...mine, validFrom: at('2024-05-01T00:00:00+02:00'), validUntil: june.validFrom });
    expect(overlapping(existing, touching)).toEqual([]);
    expect(overlapping(existing, plan('june', { ...mine, ...june }))).toEqual([]);
  });

  it('property: two validities overlap exactly when the later start lies inside both', () => {
    const validity = fc
      .tuple(fc.integer({ min: 0, max: 1000 }), fc.option(fc.integer({ min: 1, max: 1000 })))
      .map(([from, length]) => ({
        validFrom: new Date(from),
        validUntil: length === null ? null : new Date(from + length),
      }));
    fc.assert(
      fc.property(validity, validity, (a, b) => {
        const later = Math.max(a.validFrom.getTime(), b.validFrom.getTime());
        const inside = (v: typeof a) => v.validUntil === null || later < v.validUntil.getTime();
        return (
          validitiesOverlap(a, b) === (inside(a) && inside(b)) && validitiesOverlap(b, a) === validitiesOverlap(a, b)
        );
      }),
    );
  });
});

describe('a plan as the API receives it', () => {
  const input = {
    id: '5d0c3c1e-6f3a-4d55-9a3b-2f1f8a7c0b61',
    seller: 'platform',
    buyer: { kind: 'company', companyId: COMPANY },
    currency: 'EUR',
    unit: 'per_started_minute',
    pricePerUnit: '0.15',
    minimumPerConnectedCall: '0.20',
    feePerConfirmedBooking: '1.500000',
    monthlyFee: '49.00',
    includedMinutes: 100,
    validFrom: '2024-06-01T00:00:00+02:00',
    validUntil: null,
  };

  it('when every field is right, then the plan holds exact amounts and instants', () => {
    const result = validatePlan(input);
    if (result.kind !== 'valid') throw new Error(result.problems.join('; '));
    expect(result.plan.pricePerUnit.toDecimalString()).toBe('0.15');
    expect(result.plan.feePerConfirmedBooking?.toDecimalString()).toBe('1.5');
    expect(result.plan.validFrom.toISOString()).toBe('2024-05-31T22:00:00.000Z');
    expect(validatePlan({ ...input, feePerConfirmedBooking: undefined })).toMatchObject({
      kind: 'valid',
      plan: { feePerConfirmedBooking: null },
    });
  });

  it('when fields are wrong, then each problem is named by its field', () => {
    const result = validatePlan({
      ...input,
      pricePerUnit: 0.15,
      minimumPerConnectedCall: '0.1234567',
      currency: 'eur',
      unit: 'per_hour',
      includedMinutes: 1.5,
      validFrom: '2024-06-01T00:00:00',
      extra: true,
    });
    expect(result.kind === 'invalid' && result.problems.map((p) => p.split(':')[0])).toEqual([
      'currency',
      'unit',
      'pricePerUnit',
      'minimumPerConnectedCall',
      'includedMinutes',
      'validFrom',
      '(input)',
    ]);
  });

  it('when the id is not a uuid or the validity is outside 2000–2999, then the plan is refused naming the field', () => {
    const result = validatePlan({ ...input, id: 'plan-2024-06', validFrom: '0000-06-01T00:00:00+02:00' });
    expect(result.kind === 'invalid' && result.problems.map((p) => p.split(':')[0])).toEqual(['id', 'validFrom']);
    expect(validatePlan({ ...input, includedMinutes: 2 ** 31 }).kind).toBe('invalid');
  });

  it('when a validity ends before it starts or a reseller buys from a reseller, then the plan is refused', () => {
    const result = validatePlan({
      ...input,
      seller: RESELLER,
      buyer: { kind: 'reseller', resellerId: RESELLER },
      validUntil: '2024-05-31T23:00:00+01:00',
    });
    expect(result).toEqual({
      kind: 'invalid',
      problems: ['validUntil: must be after validFrom', 'buyer: resellers buy from the platform only'],
    });
  });

  it('property: any decimal string of at most 6 decimals is taken exactly; the same figure as a JSON number never', () => {
    const decimal = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }));
    fc.assert(
      fc.property(decimal, ([units, decimals]) => {
        const text = formatUnits(units, decimals);
        const valid = validatePlan({ ...input, pricePerUnit: text });
        const asNumber = validatePlan({ ...input, pricePerUnit: Number(text) });
        const tooFine = validatePlan({ ...input, pricePerUnit: `${formatUnits(units, 6)}1` });
        return (
          valid.kind === 'valid' &&
          valid.plan.pricePerUnit.equals(Exact.parse(text)) &&
          asNumber.kind === 'invalid' &&
          tooFine.kind === 'invalid'
        );
      }),
    );
  });
});

function company(resellerId: string | null) {
  return { companyId: COMPANY, resellerId, billingCurrency: 'EUR', resellerCurrency: resellerId ? 'EUR' : null };
}
