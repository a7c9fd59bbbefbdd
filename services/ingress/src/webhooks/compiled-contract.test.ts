import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownRetellEventType } from '@rb/contracts';
import { isKnownRetellEventType, RETELL_WEBHOOK_EVENT_SCHEMAS, RetellWebhookEnvelopeSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { compileRetellContract } from './compiled-contract';

requireSharedDir();
const contract = compileRetellContract();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const webhookFixtures = readdirSync(RETELL_FIXTURES_DIR)
  .filter((f) => /^0[1-7]-/.test(f))
  .map((f) => ({ file: f, body: JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, f), 'utf8')) as Json }));

/** Every way a field can go wrong: another type, null, missing, a negative or fractional number. */
function* mutations(value: Json, path: string[] = []): Generator<{ path: string; body: (root: Json) => Json }> {
  const replaceWith = (replacement: Json | undefined) => (root: Json) => setAt(root, path, replacement);
  if (path.length > 0) {
    yield { path: `${path.join('.')}=null`, body: replaceWith(null) };
    yield { path: `${path.join('.')} removed`, body: replaceWith(undefined) };
    yield { path: `${path.join('.')}=true`, body: replaceWith(true) };
    yield { path: `${path.join('.')}="x"`, body: replaceWith('x') };
    yield { path: `${path.join('.')}=7`, body: replaceWith(7) };
    yield { path: `${path.join('.')}=-1.5`, body: replaceWith(-1.5) };
    yield { path: `${path.join('.')}=""`, body: replaceWith('') };
    yield { path: `${path.join('.')}=[]`, body: replaceWith([]) };
    yield { path: `${path.join('.')}={}`, body: replaceWith({}) };
    yield { path: `${path.join('.')}=Infinity`, body: replaceWith(Infinity as unknown as Json) };
  }
  if (Array.isArray(value)) {
    // the first two items stand for the rest: arrays of word timings are long
    for (const [i, item] of value.slice(0, 2).entries()) yield* mutations(item, [...path, String(i)]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* mutations(child, [...path, key]);
  }
}

function setAt(root: Json, path: string[], replacement: Json | undefined): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, Json>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

describe('the compiled contract (Ajv over the JSON Schema generated from zod)', () => {
  it.each(webhookFixtures.map((f) => [f.file, f.body] as const))(
    'when %s or any of its fields is changed, then it accepts exactly what the zod contract accepts',
    (_file, fixture) => {
      const event = (fixture as { event: string }).event;
      if (!isKnownRetellEventType(event)) throw new Error(`fixture of unknown event ${event}`);
      const zodAccepts = (body: Json) => RETELL_WEBHOOK_EVENT_SCHEMAS[event].safeParse(body).success;
      expect(contract.known(event, fixture)).toBe(true);

      const disagreements: string[] = [];
      let refused = 0;
      let checked = 0;
      for (const mutation of mutations(fixture)) {
        const body = mutation.body(fixture);
        const mutatedEvent = (body as { event?: unknown } | null)?.event;
        if (mutatedEvent !== event) continue; // a changed `event` is another event type: checked below
        const expected = zodAccepts(body);
        checked++;
        if (!expected) refused++;
        if (contract.known(event as KnownRetellEventType, body) !== expected) disagreements.push(mutation.path);
      }
      expect(disagreements).toEqual([]);
      // the mutations must really reach the contract's rules, or the comparison proves nothing
      expect(checked).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(20);
    },
  );

  it('when only the envelope is checked, then it agrees with zod on missing and mistyped event and call id', () => {
    const bodies: unknown[] = [
      { event: 'call_rated', call: { call_id: 'c1', extra: 1 } },
      { event: 'call_rated', call: { call_id: '' } },
      { event: 'call_rated', call: {} },
      { event: '', call: { call_id: 'c1' } },
      { event: 5, call: { call_id: 'c1' } },
      { call: { call_id: 'c1' } },
      { event: 'call_rated', call: 'c1' },
      [1, 2],
      null,
      'text',
    ];
    for (const body of bodies) {
      expect([body, contract.envelope(body)]).toEqual([body, RetellWebhookEnvelopeSchema.safeParse(body).success]);
    }
  });
});
