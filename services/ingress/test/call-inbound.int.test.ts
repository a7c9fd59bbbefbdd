import { randomUUID } from 'node:crypto';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import { directorySender } from '../../../test/support/directory';
import { createTopic, readAll, uniqueName } from '../../../test/support/kafka';
import { fixtureBytes, startTestIngress, TEST_API_KEY } from './support';
import { signRetellBody } from '../src/webhooks/verify-signature';

/** Integration: call_inbound answered from the directory ingress reads off its compacted topic. */
describe('call_inbound against the real broker, registry and Redis', () => {
  const events = uniqueName('it.inbound-events');
  const directoryTopic = uniqueName('it.inbound-directory');
  const [companyId, branchId, serviceId, numberId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const dialled = `+49341${String(Date.now()).slice(-7)}`;
  const at = '2026-12-01T10:00:00Z';
  const company = (version: number, name: string): DirectoryEntityChangedV1 => ({
    entity: 'company',
    id: companyId,
    active: true,
    changedAt: at,
    version,
    slug: 'praxis',
    name,
  });
  const number = (version: number, active: boolean): DirectoryEntityChangedV1 => ({
    entity: 'phone_number',
    id: numberId,
    active,
    changedAt: at,
    version,
    companyId,
    branchId,
    number: dialled,
  });
  const entities: DirectoryEntityChangedV1[] = [
    company(2, 'Hausarztpraxis Dr. Brandt'),
    {
      entity: 'branch',
      id: branchId,
      active: true,
      changedAt: at,
      version: 1,
      companyId,
      slug: 'leipzig',
      name: 'Leipzig Zentrum',
      timeZone: 'Europe/Berlin',
      federalState: 'SN',
      workingDays: [1, 2, 3, 4, 5],
      defaultServiceId: serviceId,
      serviceIds: [serviceId],
    },
    {
      entity: 'service',
      id: serviceId,
      active: true,
      changedAt: at,
      version: 1,
      companyId,
      slug: 'sprechstunde',
      name: 'Sprechstunde',
      synonyms: [],
      calcomEventTypeId: 3101,
      durationMinutes: 15,
      priceMinor: null,
      currency: 'EUR',
    },
    number(1, true),
    // a stale state arriving after the newer one (a replay): ignored
    company(1, 'Alter Name'),
  ];
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;
  let publish: (e: DirectoryEntityChangedV1) => Promise<void>;

  let directory: Awaited<ReturnType<typeof directorySender>>;

  beforeAll(async () => {
    await createTopic(events);
    await createTopic(directoryTopic);
    directory = await directorySender(directoryTopic);
    publish = (e) => directory.send(e);
    for (const e of entities) await publish(e);
    ingress = await startTestIngress(events, {}, directoryTopic);
  });
  afterAll(async () => {
    await ingress?.stop();
    await directory?.stop();
  });

  const inbound = (to: string, callId = `call_${randomUUID().replaceAll('-', '')}`, key = TEST_API_KEY) => {
    const body = fixtureBytes('08-call_inbound.request.json')
      .toString('utf8')
      .replace('+493412240870', to)
      .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
    return fetch(`${ingress.url}/webhooks/retell/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': signRetellBody(body, key, Date.now()) },
      body,
    });
  };

  it('when ingress has read the directory, then it is ready and a known number gets the business, its services and its ids', async () => {
    expect(await (await fetch(`${ingress.opsUrl}/readyz`)).json()).toMatchObject({ ready: true });
    const response = await inbound(dialled);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      call_inbound: { dynamic_variables: Record<string, string>; metadata: unknown };
    };
    expect(answer.call_inbound.metadata).toEqual({ companyId, branchId, phoneNumberId: numberId });
    expect(answer.call_inbound.dynamic_variables).toMatchObject({
      company_name: 'Hausarztpraxis Dr. Brandt',
      branch_name: 'Leipzig Zentrum',
      services: 'Sprechstunde (15 Minuten)',
      time_zone: 'Europe/Berlin',
    });
    expect(answer.call_inbound.dynamic_variables.today).toMatch(
      /^(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. \w+ \d{4}$/,
    );
  });

  it('when the number is unknown, then Retell’s reject answer, counted by reason', async () => {
    const response = await inbound('+4930000000001');
    expect([response.status, await response.json()]).toEqual([200, { call_inbound: {} }]);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_call_inbound_total\{[^}]*outcome="unknown_number"[^}]*\} [1-9]/);
  });

  it('when Retell retries a call_inbound after the number was deactivated, then the retry gets the first answer and a new call is refused', async () => {
    const callId = `call_${randomUUID().replaceAll('-', '')}`;
    const first = await (await inbound(dialled, callId)).json();
    await publish(number(2, false));
    const deadline = Date.now() + 20_000;
    let fresh: unknown;
    do fresh = await (await inbound(dialled)).json();
    while (JSON.stringify(fresh) !== JSON.stringify({ call_inbound: {} }) && Date.now() < deadline);
    expect(fresh).toEqual({ call_inbound: {} });
    expect(await (await inbound(dialled, callId)).json()).toEqual(first);
  });

  it('when the signature is wrong or the body is not a call_inbound, then 401 or 400 with the reason', async () => {
    expect((await inbound(dialled, undefined, 'key_wrong')).status).toBe(401);
    const body = JSON.stringify({ event: 'call_inbound', call_inbound: { to_number: dialled } });
    const response = await fetch(`${ingress.url}/webhooks/retell/inbound`, {
      method: 'POST',
      headers: { 'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()) },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'schema_violation',
      issues: [expect.stringMatching(/from_number/)],
    });
  });
  it('when a call is answered, then the ring is recorded on the Retell events topic behind the answer: keyed by its call id, the body unchanged', async () => {
    const callId = `call_${randomUUID().replaceAll('-', '')}`;
    const response = await inbound(dialled, callId);
    expect(response.status).toBe(200);
    const deadline = Date.now() + 20_000;
    let recorded: Awaited<ReturnType<typeof readAll>> = [];
    while (recorded.length === 0 && Date.now() < deadline) {
      recorded = (await readAll(events)).filter((m) => m.key?.toString() === callId);
      if (recorded.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recorded).toHaveLength(1);
    const [ring] = recorded;
    expect(ring!.headers?.ce_type?.toString()).toBe('ai.retell.webhook.call_inbound');
    expect(ring!.headers?.ce_id?.toString()).toBe(`${callId}:call_inbound`);
    const sent = fixtureBytes('08-call_inbound.request.json')
      .toString('utf8')
      .replace('+493412240870', dialled)
      .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
    expect(ring!.value!.subarray(5).toString('utf8')).toBe(sent);
    // a retry is answered from memory and not recorded again
    await inbound(dialled, callId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await readAll(events)).filter((m) => m.key?.toString() === callId)).toHaveLength(1);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_call_inbound_records_total\{[^}]*outcome="stored"[^}]*\} [1-9]/);
  });
});
