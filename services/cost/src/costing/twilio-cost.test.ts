import { costCall } from './cost-call';
import { context, facts, rows, twilioRate } from './cost-call.test-support';
import { twilioCostComponent } from './twilio-cost';

const imported = { line: { numberKind: 'twilio_imported' as const, numberType: 'local' as const } };
const call = (durationMs: number, extra = {}) => facts({ ...imported, durationMs, ...extra });

describe("Twilio's cost of a call on an imported number", () => {
  it('when a call lasts 0, 1, 60, 61 and 3601 s, then every started minute is billed at the rate, exact', () => {
    const rate = twilioRate();
    const cents = [0, 1, 60, 61, 3601].map((s) => twilioCostComponent(rate, s).usdCents.toDecimalString());
    expect(cents).toEqual(['0', '0.85', '0.85', '1.7', '51.85']);
  });

  it('when an inbound call on an imported local number is costed, then Twilio is a base-cost line of its own and pinned', () => {
    const result = costCall(call(61_000), context({ twilioRate: twilioRate() }));
    if (result.kind !== 'costed') throw new Error(JSON.stringify(result));
    expect(rows(result.lines.filter((l) => l.component === 'twilio'))).toEqual([
      ['base_cost', 'twilio', 'USD', '0.017', '0.01588043'],
    ]);
    expect(result.pins.twilioRateId).toBe('twilio-in-local');
  });

  it('when the rate, the direction or the number type is not known, then the call waits for it', () => {
    const cases: [ReturnType<typeof facts>, string][] = [
      [call(61_000), 'Twilio rate for inbound local calls'],
      [call(61_000, { direction: null }), 'the direction of call call_test'],
      [
        call(61_000, { line: { numberKind: 'twilio_imported', numberType: null } }),
        'the number type of phone number 55555555-5555-4555-8555-555555555555',
      ],
    ];
    for (const [facts, waitingFor] of cases) {
      expect(costCall(facts, context())).toEqual({ kind: 'pending', reason: 'twilio_rate', waitingFor });
    }
  });

  it('when a call is a web call, never connected, or on a number bought through Retell, then Twilio costs nothing and no rate is needed', () => {
    for (const free of [
      call(61_000, { direction: 'web' }),
      call(0, { startedAt: null }),
      facts({ durationMs: 61_000, line: { numberKind: 'retell', numberType: 'local' } }),
    ]) {
      const result = costCall(free, context());
      expect(result.kind === 'costed' && result.lines.filter((l) => l.component === 'twilio')).toEqual([]);
    }
  });

  it('when the context brings a rate for another direction, then costing refuses it rather than bill the wrong rate', () => {
    expect(() => costCall(call(61_000), context({ twilioRate: twilioRate({ direction: 'outbound' }) }))).toThrow(
      RangeError,
    );
  });
});
