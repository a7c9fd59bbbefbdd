import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { createTestDatabase } from '../../../../../test/support/postgres';
import { admin, createTopics, startService } from '../../../test/booking-harness';
import { startScriptedCalcom } from '../../../test/scripted-calcom';
import { startStatefulCalcom } from '../../../test/stateful-calcom';
import { MIGRATIONS } from '../../infra/db/migrations';
import type { BookingService } from '../../service';

/**
 * The Cal.com base URL an admin sets, end to end through booking's admin API: only allowed hosts,
 * no redirects, and one answer for every target that could not be verified, so the API cannot be
 * used to probe internal ports. Every target here is on 127.0.0.1.
 */
jest.setTimeout(60_000);

/** A TCP listener on 127.0.0.1 that counts connections and closes each at once (a non-HTTP service). */
async function internalService() {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A port on 127.0.0.1 where nothing listens (any more). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let service: BookingService;
let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
let redirecting: Awaited<ReturnType<typeof startScriptedCalcom>>;
let unlisted: Awaited<ReturnType<typeof internalService>>;
let allowedNonHttp: Awaited<ReturnType<typeof internalService>>;
let publicOnly: Awaited<ReturnType<typeof internalService>>;
let closed: number;

beforeAll(async () => {
  db = await createTestDatabase('booking_egress', MIGRATIONS);
  calcom = await startStatefulCalcom({ validTokens: ['cal_live_good'] });
  redirecting = await startScriptedCalcom();
  redirecting.script(() => ({ status: 302, headers: { location: `${calcom.url}/v2/bookings` } }));
  [unlisted, allowedNonHttp, publicOnly] = await Promise.all([internalService(), internalService(), internalService()]);
  closed = await closedPort();
  const port = (url: string) => new URL(url).port;
  service = await startService(db.url, await createTopics(1), {
    // what an operator would configure for a local Cal.com: these ports of 127.0.0.1, nothing else
    CALCOM_ALLOW_PRIVATE_HOSTS: [port(calcom.url), port(redirecting.url), String(allowedNonHttp.port), String(closed)]
      .map((p) => `127.0.0.1:${p}`)
      .join(','),
    // a name allowed as a (public) self-hosted Cal.com that resolves to loopback
    CALCOM_ALLOWED_HOSTS: `localhost:${publicOnly.port}`,
  });
});
afterAll(async () => {
  await service?.stop();
  await Promise.all([
    calcom?.stop(),
    redirecting?.stop(),
    unlisted?.stop(),
    allowedNonHttp?.stop(),
    publicOnly?.stop(),
  ]);
  await db?.drop();
});

const put = (baseUrl: string, token = 'cal_live_good') =>
  admin(service.port, 'PUT', `/companies/${randomUUID()}/calcom-account`, { baseUrl, kind: 'api_key', token });

describe("a company's Cal.com base URL", () => {
  it('when it names a host that is not configured (Redis, PostgreSQL, any loopback port), then it is refused without connecting', async () => {
    for (const baseUrl of ['http://localhost:6379', 'http://127.0.0.1:5432', `http://127.0.0.1:${unlisted.port}`]) {
      const answer = await put(baseUrl);
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(answer.body.issues).toEqual([{ path: 'baseUrl', message: expect.stringMatching(/CALCOM_ALLOWED_HOSTS/) }]);
    }
    expect(unlisted.connections()).toBe(0);
  });

  it('when an allowed name resolves to a loopback address, then it is refused at connection time, never connected to', async () => {
    const answer = await put(`https://localhost:${publicOnly.port}`);
    expect(answer).toMatchObject({ status: 502, body: { error: 'calcom_unverified' } });
    expect(publicOnly.connections()).toBe(0);
  });

  it('when an allowed host answers with a redirect, then it is not followed and nothing is stored', async () => {
    const before = calcom.calls.length;
    const answer = await put(redirecting.url);
    expect(answer).toMatchObject({ status: 502, body: { error: 'calcom_unverified' } });
    expect(redirecting.seen).toHaveLength(1);
    expect(calcom.calls.length).toBe(before);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM calcom_accounts')).toEqual([{ n: 0 }]);
  });

  it('when a target is closed, not HTTP, redirecting or refused, then the answers cannot be told apart', async () => {
    const answers = await Promise.all([
      put(`http://127.0.0.1:${closed}`),
      put(`http://127.0.0.1:${allowedNonHttp.port}`),
      put(redirecting.url),
      put(`https://localhost:${publicOnly.port}`),
    ]);
    expect(allowedNonHttp.connections()).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify(answers[0])]));
    expect(answers[0]).toMatchObject({ status: 502, body: { error: 'calcom_unverified' } });
  });

  it('when the configured local Cal.com is given, then the credential is checked and stored', async () => {
    expect(await put(calcom.url)).toMatchObject({ status: 200, body: { keyId: 'k1' } });
    expect(await put(calcom.url, 'cal_live_wrong')).toMatchObject({
      status: 422,
      body: { error: 'credential_rejected', reason: 'unauthorized' },
    });
  });
});
