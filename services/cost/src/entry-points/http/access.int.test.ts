import { createHash } from 'node:crypto';
import type { RecostResult } from '../../ledger/recost-result';
import type { ApiHarness } from './cost-api.test-support';
import { startApiHarness } from './cost-api.test-support';
import { IDS, seedDirectory } from './report-data.test-support';

/** Integration: bearer tokens (the operator's, resellers'), reseller tokens, and the re-cost route's answers. */
const RECOSTS: Record<string, RecostResult> = {
  'call-changed': { kind: 'recosted', revision: 3 },
  'call-same': { kind: 'unchanged', revision: 1 },
  'call-waiting': { kind: 'not_costable', reason: 'pending: waiting for the USD rate of 2024-08-01' },
};
let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness((callId) => RECOSTS[callId] ?? { kind: 'unknown_call' });
  await seedDirectory(api);
});
afterAll(() => api.close());

const issue = async (resellerId: string, label = 'dashboard') =>
  api.request('POST', `/admin/resellers/${resellerId}/tokens`, { body: { label } });

describe('bearer tokens', () => {
  it('when there is no token or a wrong one, then 401 with a challenge; health needs none', async () => {
    for (const token of [null, 'wrong-token-0123456789abcdefgh', 'rbr_not-a-real-token'])
      for (const path of ['/reports?by=company&period=day&from=2024-06-01&to=2024-06-02', '/plans', '/calls/x/cost']) {
        const answer = await api.request('GET', path, { token });
        expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    expect((await api.request('POST', '/admin/calls/call-changed/recost', { token: null, body: {} })).status).toBe(401);
    expect((await api.request('GET', '/livez', { token: null })).status).toBe(200);
  });

  it('when the operator makes a reseller token, then it is shown once and only its sha256 is stored', async () => {
    const answer = await issue(IDS.r1, ' Dashboard Nord ');
    expect(answer).toMatchObject({ status: 201, body: { resellerId: IDS.r1, label: 'Dashboard Nord' } });
    expect(answer.body.token).toMatch(/^rbr_[A-Za-z0-9_-]{43}$/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const digest = createHash('sha256').update(answer.body.token).digest();
    const rows = await api.sql<{ stored: string }>(
      'SELECT row_to_json(t)::text AS stored FROM reseller_tokens t WHERE id = $1',
      [answer.body.id],
    );
    expect(rows[0]!.stored).toContain(`\\\\x${digest.toString('hex')}`);
    expect(rows[0]!.stored).not.toContain(answer.body.token.slice(4));
    expect((await api.request('GET', '/plans', { token: answer.body.token })).status).toBe(200);
  });

  it('when the reseller is unknown or the label missing, then 404 or 400, and no token', async () => {
    expect(await issue('00000000-0000-4000-8000-000000000999')).toMatchObject({ status: 404 });
    expect(await issue('not-a-uuid')).toMatchObject({ status: 404 });
    expect(await issue(IDS.a)).toMatchObject({ status: 404, body: { error: 'unknown_reseller' } });
    expect(await issue(IDS.r1, '  ')).toMatchObject({
      status: 400,
      body: { problems: ['label: required, 1 to 100 characters'] },
    });
  });

  it('when a token is revoked, then it gets 401 at once; revoking again says when it was revoked', async () => {
    const made = (await issue(IDS.r2)).body;
    const revoked = await api.request('DELETE', `/admin/reseller-tokens/${made.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: made.id, revokedAt: '2024-08-01T10:00:00.000Z' } });
    expect((await api.request('GET', '/plans', { token: made.token })).status).toBe(401);
    expect(await api.request('DELETE', `/admin/reseller-tokens/${made.id}`)).toMatchObject({
      status: 200,
      body: revoked.body,
    });
    expect((await api.request('DELETE', '/admin/reseller-tokens/00000000-0000-4000-8000-000000000999')).status).toBe(
      404,
    );
  });

  it("when a reseller token calls the operator's routes, then 403 and nothing happens", async () => {
    const token = (await issue(IDS.r1)).body.token;
    const before = api.recosts.length;
    const body = { reason: 'plan corrected', requestedBy: 'ops@example.test' };
    expect((await api.request('POST', '/admin/calls/call-changed/recost', { token, body })).status).toBe(403);
    expect(
      (await api.request('POST', `/admin/resellers/${IDS.r1}/tokens`, { token, body: { label: 'x' } })).status,
    ).toBe(403);
    expect((await api.request('GET', '/twilio-rates', { token })).status).toBe(403);
    expect(api.recosts.length).toBe(before);
  });
});

describe('POST /admin/calls/:callId/recost', () => {
  const recost = (callId: string, body: unknown) => api.request('POST', `/admin/calls/${callId}/recost`, { body });
  const body = { reason: '  retail plan corrected for June  ', requestedBy: 'ops@example.test' };

  it('when the use case re-costs or finds nothing to change, then 200 with the revision', async () => {
    expect(await recost('call-changed', body)).toMatchObject({
      status: 200,
      body: { callId: 'call-changed', outcome: 'recosted', revision: 3 },
    });
    expect(await recost('call-same', body)).toMatchObject({ status: 200, body: { outcome: 'unchanged', revision: 1 } });
    expect(api.recosts.at(-1)).toEqual({
      callId: 'call-same',
      input: { reason: 'retail plan corrected for June', requestedBy: 'ops@example.test' },
    });
  });

  it('when the call is unknown, then 404; when it cannot be costed now, then 409 with the reason', async () => {
    expect(await recost('call-nobody-knows', body)).toMatchObject({ status: 404, body: { error: 'unknown_call' } });
    expect(await recost('call-waiting', body)).toMatchObject({
      status: 409,
      body: { error: 'not_costable', reason: 'pending: waiting for the USD rate of 2024-08-01' },
    });
  });

  it('when the reason is too short or who asks is missing, then 400 names both and nothing is re-costed', async () => {
    const before = api.recosts.length;
    const answer = await recost('call-changed', { reason: ' ab ' });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid' } });
    expect(answer.body.problems).toEqual([expect.stringMatching(/^reason: /), expect.stringMatching(/^requestedBy: /)]);
    expect((await recost('call-changed', { reason: 'x'.repeat(501), requestedBy: 'ops' })).status).toBe(400);
    expect(api.recosts.length).toBe(before);
  });
});
