import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { startScriptedCalcom, success } from '../../test/scripted-calcom';
import { CalcomClient } from './calcom-client';
import type { Resolve, TargetCheck } from './calcom-egress';
import { CalcomEgress, checkTarget, EgressRefusedError, parseHostRule } from './calcom-egress';
import { CalcomError } from './calcom-errors';

/** A name resolver with fixed answers: no DNS, and nothing here ever connects beyond 127.0.0.1. */
const resolver =
  (answers: Record<string, string[]>): Resolve =>
  async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A TCP listener on 127.0.0.1 that counts the connections it gets. */
async function listener() {
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

const POLICY = {
  allowedHosts: ['cal.example.org', 'cal.internal.example:8443'],
  privateHosts: ['127.0.0.1:3999', 'cal.lan'],
};

describe('which base URLs may name a Cal.com (the pure rule: no resolver, no socket)', () => {
  // checkTarget only reads the URL and the policy; even without its checks nothing here could connect
  const code = (url: string) => {
    const check = checkTarget(url, POLICY);
    return check.kind === 'allowed' ? 'ok' : check.code;
  };

  it("when the URL is Cal.com's own or a configured host, then it is allowed; anything else is not", () => {
    expect(code('https://api.cal.com')).toBe('ok');
    expect(code('https://api.cal.eu/')).toBe('ok');
    expect(code('https://API.CAL.COM')).toBe('ok');
    expect(code('https://cal.example.org:4443')).toBe('ok'); // no port in the rule: any port
    expect(code('https://cal.internal.example:8443')).toBe('ok');
    expect(code('https://cal.internal.example')).toBe('CALCOM_HOST_NOT_ALLOWED'); // 443 is not 8443
    expect(code('https://api.cal.com:8443')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('https://api.cal.com.evil.example')).toBe('CALCOM_HOST_NOT_ALLOWED');
    // an address literal nobody listed (which ranges an address may be in: the address rule below)
    expect(code('https://127.0.0.2')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('https://0.0.0.0')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('http://localhost:6379')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('http://127.0.0.1:5432')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('http://2130706433:3999')).toBe('ok'); // 127.0.0.1 written as a number is still 127.0.0.1:3999
    expect(code('http://[::1]:3999')).toBe('CALCOM_HOST_NOT_ALLOWED');
  });

  it('when the URL is plain http, carries a password or is no http URL, then it is refused', () => {
    expect(code('http://api.cal.com')).toBe('CALCOM_HOST_NOT_ALLOWED');
    expect(code('http://cal.example.org')).toBe('CALCOM_PLAIN_HTTP');
    expect(code('http://127.0.0.1:3999')).toBe('ok'); // allowed private, and (at connection time) loopback only
    expect(code('https://user:secret@api.cal.com')).toBe('CALCOM_URL_INVALID');
    expect(code('ftp://api.cal.com')).toBe('CALCOM_URL_INVALID');
    expect(code('file:///etc/passwd')).toBe('CALCOM_URL_INVALID');
    expect(code('not a url')).toBe('CALCOM_URL_INVALID');
  });

  it('when the egress is asked, then it answers by the same rule', () => {
    const egress = new CalcomEgress(POLICY, resolver({}));
    for (const url of ['https://api.cal.com', 'https://cal.internal.example', 'http://127.0.0.1:3999'])
      expect(egress.target(url)).toEqual(checkTarget(url, POLICY));
    void egress.close();
  });
});

describe('which resolved addresses may be connected to (the pure address rule)', () => {
  const egress = new CalcomEgress(POLICY, resolver({}));
  afterAll(() => egress.close());

  it('when a name resolves, then every address must be public unless the host may be private', () => {
    const publicOnly = egress.target('https://cal.example.org') as Extract<TargetCheck, { kind: 'allowed' }>;
    const mayBePrivate = egress.target('https://cal.lan') as Extract<TargetCheck, { kind: 'allowed' }>;
    const plain = egress.target('http://127.0.0.1:3999') as Extract<TargetCheck, { kind: 'allowed' }>;
    expect(egress.addressesAllowed(publicOnly, ['104.18.20.1', '2606:4700::6810:1401'])).toBeUndefined();
    for (const inside of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.0.1',
      '169.254.169.254',
      '127.0.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
      '0.0.0.0',
    ]) {
      expect(egress.addressesAllowed(publicOnly, ['104.18.20.1', inside])).toMatch(/resolves to a \w+ address/);
      expect(egress.addressesAllowed(mayBePrivate, [inside])).toBeUndefined();
    }
    expect(egress.addressesAllowed(publicOnly, [])).toBe('resolves to no address');
    // plain http only where the credential cannot leave the machine
    expect(egress.addressesAllowed(plain, ['127.0.0.1'])).toBeUndefined();
    expect(egress.addressesAllowed(plain, ['10.0.0.7'])).toBe('plain http to a private address');
  });

  it('when host rules are read, then ports and IPv6 are understood and paths are not', () => {
    expect(parseHostRule('Cal.Example.org')).toEqual({ host: 'cal.example.org', port: '' });
    expect(parseHostRule('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: '8080' });
    expect(parseHostRule('[::1]:80')).toEqual({ host: '[::1]', port: '80' });
    expect(parseHostRule('cal.example.org/v2')).toBeUndefined();
    expect(parseHostRule('user@cal.example.org')).toBeUndefined();
  });
});

describe('the way out to Cal.com, at connection time (loopback only)', () => {
  it('when an allowed name resolves to a loopback address it may not use, then nothing connects', async () => {
    const internal = await listener();
    const egress = new CalcomEgress(
      { allowedHosts: [`cal.example.test:${internal.port}`], privateHosts: [] },
      resolver({ 'cal.example.test': ['127.0.0.1'] }),
    );
    try {
      const refused = await egress
        .fetch(`https://cal.example.test:${internal.port}/v2/bookings`)
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EgressRefusedError);
      expect(refused).toMatchObject({ code: 'CALCOM_ADDRESS_NOT_ALLOWED' });
      expect(internal.connections()).toBe(0);
    } finally {
      egress.close();
      await internal.stop();
    }
  });

  it('when a name is allowed private addresses, then each request resolves it again and goes where it points now', async () => {
    const calcom = await startScriptedCalcom();
    calcom.script(() => success([]));
    const answers: Record<string, string[]> = { 'cal.lan': ['127.0.0.1'] };
    const port = new URL(calcom.url).port;
    const egress = new CalcomEgress({ allowedHosts: [], privateHosts: [`cal.lan:${port}`] }, resolver(answers));
    const client = new CalcomClient({ baseUrl: `http://cal.lan:${port}`, token: 'cal_test' }, egress.fetch);
    try {
      expect(await client.listBookings({ take: 1 })).toEqual([]);
      expect(calcom.seen).toHaveLength(1);
      // the name now points at an address that is not loopback (the unspecified one: were the check
      // missing, the request would still stay on this machine): plain http is refused before connecting
      answers['cal.lan'] = ['0.0.0.0'];
      egress.close(); // no kept-alive connection: the next request connects (and resolves) anew
      const refused = await client.listBookings({ take: 1 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CalcomError);
      expect((refused as CalcomError).cause).toMatchObject({ code: 'CALCOM_ADDRESS_NOT_ALLOWED' });
      expect(calcom.seen).toHaveLength(1);
    } finally {
      egress.close();
      await calcom.stop();
    }
  });

  it('when Cal.com answers with a redirect, then it is not followed and the call fails', async () => {
    const target = await startScriptedCalcom();
    const redirecting = await startScriptedCalcom();
    redirecting.script(() => ({ status: 302, headers: { location: `${target.url}/v2/bookings` } }));
    const egress = new CalcomEgress({ allowedHosts: [], privateHosts: ['127.0.0.1'] }, resolver({}));
    try {
      const client = new CalcomClient({ baseUrl: redirecting.url, token: 'cal_test' }, egress.fetch);
      const failed = await client.listBookings({ take: 1 }).catch((e: unknown) => e);
      expect(failed).toMatchObject({ kind: 'server_error', status: 302 });
      // and with the platform's fetch too (redirect: 'manual')
      const direct = await new CalcomClient({ baseUrl: redirecting.url, token: 'cal_test' })
        .listBookings({ take: 1 })
        .catch((e: unknown) => e);
      expect(direct).toMatchObject({ kind: 'server_error' });
      expect(redirecting.seen).toHaveLength(2);
      expect(target.seen).toHaveLength(0);
    } finally {
      egress.close();
      await Promise.all([target.stop(), redirecting.stop()]);
    }
  });
});
