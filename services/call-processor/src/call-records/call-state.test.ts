import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownRetellWebhookEvent } from '@rb/contracts';
import { KnownRetellWebhookEventSchema, retellEventId } from '@rb/contracts';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { toCallEventFacts } from './call-event-facts';
import type { CallEventFacts } from './call-state';
import { emptyCall, evolve, valueFromStage, valuesOf } from './call-state';

requireSharedDir();
const facts = (file: string): CallEventFacts => {
  const raw = readFileSync(join(RETELL_FIXTURES_DIR, file));
  const body = KnownRetellWebhookEventSchema.parse(JSON.parse(raw.toString())) as KnownRetellWebhookEvent;
  return toCallEventFacts(body, retellEventId(body, raw));
};
const salon = [
  '01-call_started.salon-inbound.json',
  '02-call_ended.salon-inbound.json',
  '03-call_analyzed.salon-inbound.json',
].map(facts);
const fold = (events: CallEventFacts[]) => events.reduce(evolve, emptyCall(events[0]!.callId));

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) return yield items;
  for (const [i, item] of items.entries())
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [item, ...rest];
}

describe('a call as the fold of its events', () => {
  it('when the same events arrive in any order and some twice, then the state is the same', () => {
    const expected = fold(salon);
    for (const order of permutations(salon)) {
      expect(fold(order)).toEqual(expected);
      expect(fold([...order, order[0]!, order[2]!])).toEqual(expected);
    }
  });

  it('when the call was analysed, then the state has the numbers, times, cost and analysis of the most complete event', () => {
    const values = valuesOf(fold([salon[2]!, salon[0]!]));
    expect(values).toMatchObject({
      direction: 'inbound',
      toNumber: '+4922198765430',
      durationMs: 53710,
      retellCost: { combinedCostCents: 9.09 },
      analysis: { successful: true, custom: { dienstleistung: 'Damenhaarschnitt mit Föhnen' } },
    });
  });

  it('when only call_started arrived, then nothing from later stages is there', () => {
    const state = fold([salon[0]!]);
    expect(state.stages).toEqual(['started']);
    expect(valuesOf(state).analysis).toBeUndefined();
  });

  it('when a field came from call_analyzed, then it is known to come from there; from call_ended only, it is not', () => {
    const analysed = fold([salon[1]!, salon[2]!]);
    expect(valueFromStage(analysed, 'retellCost', 'analysed')).toMatchObject({ totalDurationUnitPriceCents: 0.1684 });
    expect(valueFromStage(analysed, 'retellCost', 'ended')).toBeUndefined();
    const ended = fold([salon[0]!, salon[1]!]);
    expect(valueFromStage(ended, 'retellCost', 'analysed')).toBeUndefined();
    expect(valuesOf(ended)).toMatchObject({ connected: true, twilioCallSid: 'CAbcdc9a4381c25bd572070f9814b4cfe2' });
  });
});
