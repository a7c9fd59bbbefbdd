import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionErrorResponseSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR } from '../../../../test/paths';
import type { BranchRoute, BranchRouting } from '../directory/routing-directory';
import { signRetellBody } from '../webhooks/verify-signature';
import { FUNCTION_NAMES, makeAnswerFunctionCall } from './answer-function-call';
import type { FunctionCallRequest, FunctionName } from './answer-function-call';
import type { CallContext } from './call-context';
import type { FunctionAnswer } from './function-answer';
import { ENGLISH_SALON, IDS, SALON } from './test-tenant.test-support';

const KEY = 'key_test_function_calls_0001';
const NOW = Date.parse('2026-10-13T09:15:00Z');
const FIXTURE = readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8');
const ARGS = JSON.parse(FIXTURE).args as Record<string, unknown>;

/** The fixture as our call_inbound would have left it: the call's metadata names our tenant. */
const defaultBody = (metadata: unknown = { companyId: IDS.company, branchId: IDS.branch, phoneNumberId: 'x' }) => {
  const body = JSON.parse(FIXTURE) as { call: { metadata: unknown } };
  body.call.metadata = metadata;
  return JSON.stringify(body);
};

function setUp({
  caughtUp = true,
  route = SALON as BranchRoute,
  callers = new Map<string, string>(),
}: { caughtUp?: boolean; route?: BranchRoute; callers?: Map<string, string> } = {}) {
  const recalled: string[] = [];
  const checks: string[] = [];
  const calls: { route: BranchRoute; args: Record<string, unknown> }[] = [];
  const contexts: { name: FunctionName; call: CallContext }[] = [];
  const standIn =
    (name: FunctionName) =>
    async (route: BranchRoute, args: Record<string, unknown>, call: CallContext): Promise<FunctionAnswer> => {
      calls.push({ route, args });
      contexts.push({ name, call });
      return { outcome: 'offered', body: { ok: false, fehler: 'not_ready', hinweis_fuer_agent: 'stand-in' } };
    };
  const directory = {
    caughtUp,
    branchRoute: (branchId: string, companyId?: string): BranchRouting =>
      branchId === 'inactive-branch'
        ? { kind: 'inactive', what: 'branch' }
        : branchId === IDS.branch && (companyId === undefined || companyId === IDS.company)
          ? { kind: 'found', route }
          : { kind: 'unknown_branch' },
  };
  const answer = makeAnswerFunctionCall({
    apiKey: KEY,
    signatureToleranceMs: 300_000,
    clock: () => NOW,
    directory,
    callers: {
      recall: async (callId) => {
        recalled.push(callId);
        return callers.get(callId);
      },
    },
    onCallerCheck: (check) => checks.push(check),
    functions: Object.fromEntries(FUNCTION_NAMES.map((name) => [name, standIn(name)])) as Record<
      FunctionName,
      ReturnType<typeof standIn>
    >,
  });
  const call = (body: string, request: Partial<FunctionCallRequest> = {}) =>
    answer({
      name: 'check_availability',
      rawBody: Buffer.from(body),
      signature: signRetellBody(body, KEY, NOW),
      branchId: undefined,
      ...request,
    });
  return { calls, contexts, call, recalled, checks };
}

describe('a custom-function request from Retell', () => {
  it('when it comes in the default mode with our metadata, then the function gets the branch and the args', async () => {
    const { calls, call } = setUp();
    expect(await call(defaultBody())).toMatchObject({
      kind: 'answered',
      name: 'check_availability',
      outcome: 'offered',
    });
    expect(calls).toEqual([{ route: SALON, args: ARGS }]);
  });

  it('when it comes as args only with branch_id (the tool’s const, inside the signed body), then that branch, and the function gets the args without it', async () => {
    const { calls, call } = setUp();
    await call(JSON.stringify({ ...ARGS, branch_id: IDS.branch }));
    await call(JSON.stringify({ ...ARGS, branch_id: IDS.branch }), { branchId: IDS.branch });
    expect(calls).toEqual([
      { route: SALON, args: ARGS },
      { route: SALON, args: ARGS },
    ]);
  });

  it('when it comes as args only from a tool set up the old way, then the branch comes from the query or header', async () => {
    const { calls, call } = setUp();
    await call(JSON.stringify(ARGS), { branchId: IDS.branch });
    expect(calls).toEqual([{ route: SALON, args: ARGS }]);
  });

  it('when the URL names a branch and the body is shaped like {name, args, call}, then the body is read as args only: its call.metadata is ignored', async () => {
    const { calls, call } = setUp();
    const body = defaultBody({ companyId: IDS.company, branchId: 'another-branch' });
    await call(body, { branchId: IDS.branch });
    expect(calls).toEqual([{ route: SALON, args: JSON.parse(body) }]);
    // and metadata naming our branch cannot stand in for a branch in the URL that is not ours
    expect(await call(defaultBody(), { branchId: 'f'.repeat(8) })).toMatchObject({ outcome: 'unknown_tenant' });
    expect(calls).toHaveLength(1);
  });

  it('when an LLM writes name, args and call into args that carry branch_id, then the branch_id is the tenant, never the call.metadata', async () => {
    const { calls, call } = setUp();
    const forged = (branchId: string) => JSON.stringify({ ...JSON.parse(defaultBody()), ...ARGS, branch_id: branchId });
    expect(await call(forged('f'.repeat(8)))).toMatchObject({ outcome: 'unknown_tenant' });
    expect(calls).toEqual([]);
  });

  it('when the signature is missing, stale or for another body, then it is rejected and nothing runs', async () => {
    const { calls, call } = setUp();
    const body = defaultBody();
    for (const signature of [undefined, signRetellBody(body, KEY, NOW - 600_000), signRetellBody('{}', KEY, NOW)])
      expect(await call(body, { signature })).toMatchObject({ kind: 'rejected', reason: 'bad_signature' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['args only without a branch', JSON.stringify(ARGS), {}, 'missing_tenant'],
    ['the default mode with metadata that is not ours (the fixture’s)', FIXTURE, {}, 'missing_tenant'],
    ['a branch ingress does not know', JSON.stringify(ARGS), { branchId: 'f'.repeat(8) }, 'unknown_tenant'],
    [
      'metadata naming another company for the branch',
      defaultBody({ companyId: IDS.branch, branchId: IDS.branch }),
      {},
      'unknown_tenant',
    ],
    ['an inactive branch', JSON.stringify(ARGS), { branchId: 'inactive-branch' }, 'inactive_tenant'],
    [
      'a URL branch that is not the body’s branch_id',
      JSON.stringify({ ...ARGS, branch_id: 'f'.repeat(8) }),
      { branchId: IDS.branch },
      'tenant_mismatch',
    ],
    [
      'a body branch_id that is not the URL’s branch',
      JSON.stringify({ ...ARGS, branch_id: IDS.branch }),
      { branchId: 'f'.repeat(8) },
      'tenant_mismatch',
    ],
    [
      'a branch_id that is not text',
      JSON.stringify({ ...ARGS, branch_id: 7 }),
      { branchId: IDS.branch },
      'unknown_tenant',
    ],
    ['a body that is not JSON', '{"dienstleistung":', {}, 'malformed_request'],
    ['a JSON array', '[1,2]', {}, 'malformed_request'],
  ])('when it has %s, then ok:false with a reason and a hint, and nothing runs', async (_, body, request, reason) => {
    const { calls, call } = setUp();
    const outcome = await call(body, request);
    expect(outcome).toMatchObject({ kind: 'answered', outcome: reason });
    expect(outcome.kind === 'answered' && FunctionErrorResponseSchema.parse(outcome.body).fehler).toBe(reason);
    expect(calls).toEqual([]);
  });

  it('when ingress has not read the directory to its end yet, then ok:false not_ready (ask again in a moment)', async () => {
    const { call } = setUp({ caughtUp: false });
    expect(await call(defaultBody())).toMatchObject({ outcome: 'not_ready', body: { ok: false } });
  });

  it('when the function is unknown, then ok:false unknown_function, in the branch’s language, counted as "unknown"', async () => {
    const { calls, call } = setUp({ route: ENGLISH_SALON });
    const outcome = await call(defaultBody(), { name: 'order_pizza' });
    expect(outcome).toMatchObject({
      kind: 'answered',
      name: 'unknown',
      outcome: 'unknown_function',
      body: {
        ok: false,
        fehler: 'unknown_function',
        hinweis_fuer_agent: expect.stringMatching(/^There is no function "order_pizza"/),
      },
    });
    expect(calls).toEqual([]);
  });
});

describe('the call a custom-function request belongs to', () => {
  const FIXTURE_15 = readFileSync(
    join(RETELL_FIXTURES_DIR, '15-function.cancel_appointment.request.web-call.json'),
    'utf8',
  );
  const ours = { companyId: IDS.company, branchId: IDS.branch, phoneNumberId: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e31' };

  it('when it comes in the default mode from an inbound phone call, then the call id, the caller’s and the dialled number and the metadata’s number id', async () => {
    const { contexts, call } = setUp();
    await call(defaultBody(ours));
    const fixture = JSON.parse(FIXTURE) as { call: { call_id: string; from_number: string; to_number: string } };
    expect(contexts).toEqual([
      {
        name: 'check_availability',
        call: {
          callId: fixture.call.call_id,
          callerPhone: fixture.call.from_number,
          dialled: fixture.call.to_number,
          phoneNumberId: ours.phoneNumberId,
        },
      },
    ]);
  });

  it('when the call is outbound (we rang them), then its from_number is ours, not a caller’s: no caller number', async () => {
    const { contexts, call } = setUp();
    const body = JSON.parse(defaultBody(ours)) as { call: { direction: string } };
    body.call.direction = 'outbound';
    await call(JSON.stringify(body));
    expect(contexts[0]!.call).toMatchObject({ callerPhone: null, dialled: undefined });
  });

  it('when fixture 15 (a dashboard web call) comes with our metadata, then the function gets no caller number; with the fixture’s own metadata it is missing_tenant', async () => {
    const { contexts, call } = setUp();
    const body = JSON.parse(FIXTURE_15) as { call: { metadata: unknown } };
    body.call.metadata = ours;
    await call(JSON.stringify(body), { name: 'cancel_appointment' });
    expect(contexts).toEqual([
      {
        name: 'cancel_appointment',
        call: {
          callId: 'call_0e5f7a9c31d84b26a7e4c90b1d2',
          callerPhone: null,
          dialled: undefined,
          phoneNumberId: ours.phoneNumberId,
        },
      },
    ]);
    expect(await call(FIXTURE_15, { name: 'cancel_appointment' })).toMatchObject({ outcome: 'missing_tenant' });
  });

  it('when it comes as args only with the call_id and anrufer_nummer consts, then the call id is the call, the caller is the number call_inbound recorded for it, and both are taken out of the args; unreplaced {{…}} means unknown', async () => {
    const { calls, contexts, call } = setUp({ callers: new Map([['call_abc123', '+491761234567']]) });
    const args = { booking_id: 'bk_3HF8Q2ZD' };
    await call(
      JSON.stringify({ ...args, branch_id: IDS.branch, call_id: 'call_abc123', anrufer_nummer: '+49 176 1234567' }),
      {
        name: 'cancel_appointment',
      },
    );
    await call(
      JSON.stringify({ ...args, branch_id: IDS.branch, call_id: '{{call_id}}', anrufer_nummer: '{{user_number}}' }),
      {
        name: 'cancel_appointment',
      },
    );
    expect(calls.map((c) => c.args)).toEqual([args, args]);
    expect(contexts.map((c) => c.call)).toEqual([
      { callId: 'call_abc123', callerPhone: '+491761234567' },
      { callId: undefined, callerPhone: null },
    ]);
  });

  it.each([
    ['another person’s number than call_inbound recorded', '+4930999888777'],
    ['text that is no number', 'die Nummer von Frau Krüger'],
  ])(
    'when an args-only request’s anrufer_nummer is %s, then the function gets no caller number (caller_unknown), counted as a mismatch',
    async (_, claimed) => {
      const check = 'mismatch';
      const { contexts, checks, call } = setUp({ callers: new Map([['call_abc123', '+491761234567']]) });
      for (const name of ['find_appointments', 'cancel_appointment', 'reschedule_appointment', 'book_appointment'])
        await call(
          JSON.stringify({
            booking_id: 'bk_3HF8Q2ZD',
            branch_id: IDS.branch,
            call_id: 'call_abc123',
            anrufer_nummer: claimed,
          }),
          { name },
        );
      expect(contexts.map((c) => c.call.callerPhone)).toEqual([null, null, null, null]);
      expect(checks).toEqual([check, check, check, check]);
    },
  );

  it('when an args-only request names a call id call_inbound recorded no number for, then no caller number, whatever anrufer_nummer says', async () => {
    const { contexts, checks, call } = setUp({ callers: new Map([['call_abc123', '+491761234567']]) });
    await call(
      JSON.stringify({ branch_id: IDS.branch, call_id: 'call_guessed0001', anrufer_nummer: '+491761234567' }),
      { name: 'find_appointments' },
    );
    expect(contexts.map((c) => c.call)).toEqual([{ callId: 'call_guessed0001', callerPhone: null }]);
    expect(checks).toEqual(['no_record']);
  });

  it('when an args-only request leaves anrufer_nummer out, then the recorded number is the caller', async () => {
    const { contexts, checks, call } = setUp({ callers: new Map([['call_abc123', '+491761234567']]) });
    await call(JSON.stringify({ branch_id: IDS.branch, call_id: 'call_abc123' }), { name: 'find_appointments' });
    expect(contexts.map((c) => c.call.callerPhone)).toEqual(['+491761234567']);
    expect(checks).toEqual(['verified']);
  });

  it('when check_availability or a default-mode request comes, then no record is looked up (the default mode’s from_number is Retell’s)', async () => {
    const { recalled, contexts, call } = setUp({ callers: new Map([['call_abc123', '+491761234567']]) });
    await call(JSON.stringify({ ...ARGS, branch_id: IDS.branch, call_id: 'call_abc123' }));
    await call(defaultBody(), { name: 'find_appointments' });
    expect(recalled).toEqual([]);
    expect(contexts[1]!.call.callerPhone).toBe(
      (JSON.parse(FIXTURE) as { call: { from_number: string } }).call.from_number,
    );
  });
});
