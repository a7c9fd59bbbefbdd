import { randomUUID } from 'node:crypto';
import type { NumberRoute, Routing } from '../directory/routing-directory';
import { signRetellBody } from '../webhooks/verify-signature';
import type { GivenAnswer } from './answer-call-inbound';
import { makeAnswerCallInbound, REJECT_CALL } from './answer-call-inbound';
import type { CustomerNames } from './customer-names';

const KEY = 'key_unit_0001';
const NOW = Date.parse('2026-12-08T09:00:00Z');
const at = '2026-12-01T10:00:00Z';
const companyId = randomUUID();
const branchId = randomUUID();
const route: NumberRoute = {
  company: { entity: 'company', id: companyId, active: true, changedAt: at, slug: 's', name: 'Salon' },
  branch: {
    entity: 'branch',
    id: branchId,
    active: true,
    changedAt: at,
    companyId,
    slug: 'b',
    name: 'Mitte',
    timeZone: 'Europe/Berlin',
    federalState: null,
    workingDays: [1, 2, 3, 4, 5],
    defaultServiceId: randomUUID(),
    serviceIds: [],
    agentOverride: { agentId: 'agent_8ed7f033dc20e357b87e2a81eb', agentVersion: 12 },
  },
  number: {
    entity: 'phone_number',
    id: randomUUID(),
    active: true,
    changedAt: at,
    companyId,
    branchId,
    number: '+4930123456',
  },
  services: [],
};

function answerer(
  routing: Routing,
  caughtUp = true,
  lookUp: CustomerNames['lookUp'] = async () => ({ kind: 'unknown' }),
  recorded: string[] = [],
  callers = new Map<string, string>(),
) {
  const memory = new Map<string, GivenAnswer>();
  return makeAnswerCallInbound({
    apiKey: KEY,
    signatureToleranceMs: 300_000,
    directory: { caughtUp, route: () => routing },
    answers: { recall: async (id) => memory.get(id), remember: async (id, a) => void memory.set(id, a) },
    callers: { remember: async (id, phone) => void callers.set(id, phone) },
    customers: { lookUp },
    recordRing: (raw) => void recorded.push(raw.toString('utf8')),
    clock: () => NOW,
  });
}
const body = (callId = 'call_abc') =>
  Buffer.from(
    JSON.stringify({
      event: 'call_inbound',
      call_inbound: { call_id: callId, from_number: '+4917612345678', to_number: '+4930123456' },
    }),
  );
const signed = (b: Buffer) => signRetellBody(b, KEY, NOW);

describe('answering call_inbound', () => {
  it('when the branch has its own Retell agent, then the answer names it and its version', async () => {
    const outcome = await answerer({ kind: 'routed', route })(body(), signed(body()));
    expect(outcome.kind === 'answered' && outcome.response.call_inbound).toMatchObject({
      override_agent_id: 'agent_8ed7f033dc20e357b87e2a81eb',
      override_agent_version: 12,
      metadata: { companyId, branchId },
    });
  });

  it('when the number is inactive, then Retell’s reject answer with the reason', async () => {
    const outcome = await answerer({ kind: 'inactive', what: 'branch' })(body(), signed(body()));
    expect(outcome).toEqual({ kind: 'answered', response: REJECT_CALL, routing: 'inactive_branch', repeated: false });
  });

  it('when the directory is not read to its end, then not ready (503), unless this call_id was answered before', async () => {
    expect(await answerer({ kind: 'routed', route }, false)(body(), signed(body()))).toEqual({ kind: 'not_ready' });
    const answer = answerer({ kind: 'routed', route });
    const first = await answer(body('call_x'), signed(body('call_x')));
    const again = await answer(body('call_x'), signed(body('call_x')));
    expect(again).toEqual({ ...first, repeated: true });
  });

  it('when the body is unsigned, not JSON or lacks a field, then rejected with the reason', async () => {
    const answer = answerer({ kind: 'unknown_number' });
    expect(await answer(body(), undefined)).toMatchObject({
      kind: 'rejected',
      reason: 'bad_signature',
      detail: 'missing',
    });
    const notJson = Buffer.from('{"event":');
    expect(await answer(notJson, signed(notJson))).toMatchObject({ kind: 'rejected', reason: 'malformed_json' });
    const lacking = Buffer.from(JSON.stringify({ event: 'call_inbound', call_inbound: { to_number: '+4930123456' } }));
    expect(await answer(lacking, signed(lacking))).toMatchObject({ kind: 'rejected', reason: 'schema_violation' });
  });
  it('when the caller is a known customer of the company, then the agent gets the name; asked with the company and the caller number', async () => {
    const asked: string[] = [];
    const answer = answerer({ kind: 'routed', route }, true, async (company, phone) => {
      asked.push(`${company} ${phone}`);
      return { kind: 'known', name: 'Sabine Krüger' };
    });
    const outcome = await answer(body(), signed(body()));
    expect(outcome.kind === 'answered' && outcome.response.call_inbound.dynamic_variables).toMatchObject({
      caller_known: 'true',
      caller_name: 'Sabine Krüger',
    });
    expect(asked).toEqual([`${companyId} +4917612345678`]);
  });

  it('when the caller is unknown or the lookup gave no answer in time, then the call is answered without a name', async () => {
    const unknown = await answerer({ kind: 'routed', route })(body(), signed(body()));
    expect(unknown.kind === 'answered' && unknown.response.call_inbound.dynamic_variables).toMatchObject({
      caller_known: 'false',
      caller_name: '',
    });
    const late = await answerer({ kind: 'routed', route }, true, async () => ({ kind: 'no_answer', why: 'timeout' }))(
      body(),
      signed(body()),
    );
    expect(late).toMatchObject({ kind: 'answered', routing: 'routed', caller: { kind: 'no_answer', why: 'timeout' } });
    expect(late.kind === 'answered' && late.response.call_inbound.dynamic_variables).toMatchObject({
      caller_known: 'unknown',
      caller_name: '',
    });
  });

  it('when a number is refused, then no customer is looked up', async () => {
    let asked = 0;
    const outcome = await answerer({ kind: 'unknown_number' }, true, async () => {
      asked++;
      return { kind: 'unknown' };
    })(body(), signed(body()));
    expect(outcome).toMatchObject({ kind: 'answered', routing: 'unknown_number' });
    expect(asked).toBe(0);
  });

  it('when a call_inbound is answered, then its body is recorded once; a retry of it and a refused request are not', async () => {
    const recorded: string[] = [];
    const answer = answerer({ kind: 'unknown_number' }, true, undefined, recorded);
    await answer(body('call_r'), signed(body('call_r')));
    await answer(body('call_r'), signed(body('call_r')));
    await answer(body('call_s'), undefined);
    expect(recorded).toEqual([body('call_r').toString('utf8')]);
  });

  it('when a routed call_inbound with a call id is answered, then the number it came from is recorded by the call id (on Retell’s retry too); a refused call, one without a call id or a withheld number records nothing', async () => {
    const callers = new Map<string, string>();
    const answer = answerer({ kind: 'routed', route }, true, undefined, [], callers);
    await answer(body('call_rec_1'), signed(body('call_rec_1')));
    const withoutId = Buffer.from(
      JSON.stringify({
        event: 'call_inbound',
        call_inbound: { from_number: '+4917600000001', to_number: '+4930123456' },
      }),
    );
    await answer(withoutId, signed(withoutId));
    const withheld = Buffer.from(
      JSON.stringify({
        event: 'call_inbound',
        call_inbound: { call_id: 'call_rec_2', from_number: 'anonymous', to_number: '+4930123456' },
      }),
    );
    await answer(withheld, signed(withheld));
    expect([...callers]).toEqual([['call_rec_1', '+4917612345678']]);
    // Retell's retry is answered from memory; the record is written again (it may have failed the first time)
    callers.clear();
    await answer(body('call_rec_1'), signed(body('call_rec_1')));
    expect([...callers]).toEqual([['call_rec_1', '+4917612345678']]);
    const refused = new Map<string, string>();
    await answerer(
      { kind: 'unknown_number' },
      true,
      undefined,
      [],
      refused,
    )(body('call_rec_3'), signed(body('call_rec_3')));
    expect(refused.size).toBe(0);
  });
});
