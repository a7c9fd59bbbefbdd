import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { BookingError } from '../booking-error';
import { addressScope } from './address-ranges';
import type { Fetch } from './calcom-client';

/** Cal.com's own API hosts (https only): the US and the EU (data residency) instance. */
export const CALCOM_HOSTS = ['api.cal.com', 'api.cal.eu'] as const;

export interface EgressPolicy {
  /** `host` or `host:port` of self-hosted Cal.com instances, besides CALCOM_HOSTS (public addresses only) */
  allowedHosts: readonly string[];
  /**
   * `host` or `host:port` that may also resolve to private, loopback or link-local addresses (an
   * in-cluster Cal.com, the local stand-in); plain http only where every address is loopback
   */
  privateHosts: readonly string[];
}

export type TargetCode = 'CALCOM_URL_INVALID' | 'CALCOM_HOST_NOT_ALLOWED' | 'CALCOM_PLAIN_HTTP';
export type TargetCheck =
  | { kind: 'allowed'; privateAllowed: boolean; plainHttp: boolean }
  | { kind: 'refused'; code: TargetCode; detail: string };

/** A Cal.com request refused before or while connecting; `code` says why. Waiting cannot help. */
export class EgressRefusedError extends BookingError<TargetCode | 'CALCOM_ADDRESS_NOT_ALLOWED'> {
  constructor(code: TargetCode | 'CALCOM_ADDRESS_NOT_ALLOWED', message: string) {
    super(code, message);
  }
}

export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

/** `host` / `host:port` / `[v6]:port` as the URL parser writes them (lower case, IPs normalized). */
export function parseHostRule(entry: string): { host: string; port: string } | undefined {
  try {
    const url = new URL(`http://${entry.trim()}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || !url.hostname)
      return undefined;
    // `new URL('http://h:80').port` is '' (the default): say so explicitly
    return { host: url.hostname, port: url.port || (/:80$/.test(entry.trim()) ? '80' : '') };
  } catch {
    return undefined;
  }
}

const matchesRule = (entries: readonly string[], host: string, port: string) =>
  entries.some((entry) => {
    const rule = parseHostRule(entry);
    return rule !== undefined && rule.host === host && (rule.port === '' || rule.port === port);
  });

/**
 * Whether a base URL may name a Cal.com, decided by the configuration alone: a pure rule with no
 * resolver and no connection, so it is tested as a unit with any address.
 */
export function checkTarget(raw: string | URL, policy: EgressPolicy): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'refused', code: 'CALCOM_URL_INVALID', detail: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { kind: 'refused', code: 'CALCOM_URL_INVALID', detail: 'must be an https URL' };
  if (url.username || url.password)
    return { kind: 'refused', code: 'CALCOM_URL_INVALID', detail: 'must not carry a user name or password' };
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const privateAllowed = matchesRule(policy.privateHosts, url.hostname, port);
  const known =
    (url.protocol === 'https:' && port === '443' && (CALCOM_HOSTS as readonly string[]).includes(url.hostname)) ||
    matchesRule(policy.allowedHosts, url.hostname, port);
  if (!known && !privateAllowed) {
    return {
      kind: 'refused',
      code: 'CALCOM_HOST_NOT_ALLOWED',
      detail: `must be ${CALCOM_HOSTS.map((h) => `https://${h}`).join(' or ')}, or a host allowed in CALCOM_ALLOWED_HOSTS`,
    };
  }
  if (url.protocol === 'http:' && !privateAllowed)
    return { kind: 'refused', code: 'CALCOM_PLAIN_HTTP', detail: 'must be an https URL' };
  return { kind: 'allowed', privateAllowed, plainHttp: url.protocol === 'http:' };
}

/**
 * The way out to Cal.com. A base URL must name an allowed host (`target`), and at connection
 * time every address its name resolves to must be public unless the host is allowed private
 * addresses, for every request (DNS can change after the account was saved; an IP literal is
 * judged as it is). The transport (`fetch`) never follows a redirect.
 */
export class CalcomEgress {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  constructor(
    private readonly policy: EgressPolicy,
    private readonly resolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
  ) {}

  /** Whether a base URL may be used at all, decided by the configuration alone (no connection). */
  target(raw: string | URL): TargetCheck {
    return checkTarget(raw, this.policy);
  }

  /** Whether a host's resolved addresses may be connected to (each one is checked). */
  addressesAllowed(
    target: Extract<TargetCheck, { kind: 'allowed' }>,
    addresses: readonly string[],
  ): string | undefined {
    if (addresses.length === 0) return 'resolves to no address';
    for (const address of addresses) {
      const scope = addressScope(address);
      if (target.plainHttp && scope !== 'loopback') return `plain http to a ${scope} address`;
      if (scope !== 'public' && !target.privateAllowed) return `resolves to a ${scope} address`;
    }
    return undefined;
  }

  /** fetch, for Cal.com only: refused targets and addresses fail; redirects come back as they are. */
  readonly fetch: Fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = this.target(url);
    if (target.kind === 'refused')
      throw new EgressRefusedError(target.code, `Cal.com target refused: ${target.detail}`);
    if (isIP(url.hostname.replace(/^\[(.*)\]$/, '$1'))) {
      const refused = this.addressesAllowed(target, [url.hostname]);
      if (refused) throw new EgressRefusedError('CALCOM_ADDRESS_NOT_ALLOWED', `Cal.com target refused: ${refused}`);
    }
    return this.send(url, init ?? {}, this.guardedLookup(target));
  };

  /** closes the kept-alive connections */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private guardedLookup(target: Extract<TargetCheck, { kind: 'allowed' }>): LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname).then(
        (all) => {
          const addresses = all.filter((a) => !options.family || a.family === options.family);
          const refused = this.addressesAllowed(
            target,
            addresses.map((a) => a.address),
          );
          if (refused) {
            const error = new EgressRefusedError('CALCOM_ADDRESS_NOT_ALLOWED', `Cal.com target refused: ${refused}`);
            return options.all ? callback(error, []) : callback(error, '', 0);
          }
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (error: NodeJS.ErrnoException) => (options.all ? callback(error, []) : callback(error, '', 0)),
      );
    };
  }

  private send(url: URL, init: RequestInit, lookup: LookupFunction): Promise<Response> {
    const protocol = url.protocol as 'http:' | 'https:';
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    return new Promise<Response>((resolve, reject) => {
      const request = (protocol === 'https:' ? https : http).request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent: this.agents[protocol],
          lookup,
          signal: init.signal ?? undefined,
        },
        (response) => {
          const status = response.statusCode ?? 502;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
              responseHeaders.append(name, v);
          }
          const noBody = [101, 204, 205, 304].includes(status) || (init.method ?? 'GET') === 'HEAD';
          if (noBody) response.resume();
          resolve(
            new Response(noBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
              status,
              statusText: response.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
  }
}
