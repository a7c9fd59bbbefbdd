import { costCall } from './cost-call';
import { COMPANY, RESELLER, RETAIL, company, context, facts, rates } from './cost-call.test-support';
import { fixtureCall } from './retell-fixtures.test-support';

const salonFacts = facts({
  retellCost: fixtureCall('02-call_ended.salon-inbound.json').retellCost,
  confirmedBookings: 1,
});

describe('a call that cannot be costed yet', () => {
  it('when something the costing needs is missing, then the call waits and says for what', () => {
    const cases: [Parameters<typeof context>[0], string, string][] = [
      [{ ecbRates: rates({ USD: { '2026-10-12': '1.07' } }) }, 'rate', 'USD rate of 2026-10-13'],
      [{ company: null }, 'directory', `company ${COMPANY} in the directory`],
      [{ wholesalePlan: null }, 'plan', `wholesale plan of reseller ${RESELLER}`],
      [{ retailPlan: null }, 'plan', `retail plan of reseller ${RESELLER} for company ${COMPANY}`],
      [{ company: company(null), wholesalePlan: null }, 'plan', `plan of company ${COMPANY}`],
      [
        { company: company(RESELLER, 'CHF') },
        'plan',
        `retail plan of company ${COMPANY} in CHF (plan retail is in EUR)`,
      ],
      [
        { retailPlan: { ...RETAIL, currency: 'CHF' }, company: company(RESELLER, 'CHF') },
        'rate',
        'CHF rate of 2026-10-13',
      ],
    ];
    for (const [extra, reason, waitingFor] of cases) {
      expect(costCall(salonFacts, context(extra))).toEqual({ kind: 'pending', reason, waitingFor });
    }
  });

  it('when no ended fact arrived, then there is nothing to cost; when it did without any time, the call waits', () => {
    const none = { startedAt: null, endedAt: null, durationMs: null, retellCost: null };
    expect(costCall(facts(none), context())).toEqual({ kind: 'not_ended' });
    expect(costCall(facts({ ended: false }), context())).toEqual({ kind: 'not_ended' });
    expect(costCall(facts({ ...none, ended: true }), context())).toEqual({
      kind: 'pending',
      reason: 'rate',
      waitingFor: 'a start or end time of call call_test',
    });
  });
});
