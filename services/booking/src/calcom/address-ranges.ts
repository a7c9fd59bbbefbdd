import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses Cal.com may be reached at: public unicast only, unless the operator allowed a
 * host's private addresses. The ranges are IANA's special-purpose registries (RFC 6890 and
 * successors); an IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4) is judged by it.
 */
export type AddressScope =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared' // 100.64.0.0/10, carrier-grade NAT
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'reserved' // documentation, benchmarking, protocol assignments, the future-use block, not an IP
  | 'invalid';

type Range = readonly [prefix: Uint8Array, bits: number, scope: Exclude<AddressScope, 'public' | 'invalid'>];

const v4 = (cidr: string, scope: Range[2]): Range => {
  const [address, bits] = cidr.split('/') as [string, string];
  return [parseIPv4(address)!, Number(bits), scope];
};
const v6 = (cidr: string, scope: Range[2]): Range => {
  const [address, bits] = cidr.split('/') as [string, string];
  return [parseIPv6(address)!, Number(bits), scope];
};

const IPV4_RANGES: readonly Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link_local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // with 255.255.255.255
];

const IPV6_RANGES: readonly Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::/96', 'reserved'), // IPv4-compatible, deprecated
  v6('64:ff9b:1::/48', 'reserved'), // local-use NAT64
  v6('100::/64', 'reserved'), // discard
  v6('2001::/23', 'reserved'), // protocol assignments, Teredo among them
  v6('2001:db8::/32', 'reserved'),
  v6('fc00::/7', 'unique_local'),
  v6('fe80::/10', 'link_local'),
  v6('fec0::/10', 'link_local'), // site-local, deprecated
  v6('ff00::/8', 'multicast'),
];

/** IPv6 prefixes whose address embeds an IPv4 one, and where it sits (byte offset) */
const EMBEDDING_IPV4: readonly [prefix: Uint8Array, bits: number, offset: number][] = [
  [parseIPv6('::ffff:0:0')!, 96, 12], // IPv4-mapped
  [parseIPv6('64:ff9b::')!, 96, 12], // NAT64
  [parseIPv6('2002::')!, 16, 2], // 6to4
];

/** The scope of an IP address in text form (`10.0.0.1`, `::ffff:127.0.0.1`, `[fe80::1]`, `fe80::1%eth0`). */
export function addressScope(text: string): AddressScope {
  const address = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(address)) return scopeIn(parseIPv4(address)!, IPV4_RANGES);
  if (!isIPv6(address)) return 'invalid';
  const bytes = parseIPv6(address)!;
  for (const [prefix, bits, offset] of EMBEDDING_IPV4) {
    if (matches(bytes, prefix, bits)) return scopeIn(bytes.subarray(offset, offset + 4), IPV4_RANGES);
  }
  return scopeIn(bytes, IPV6_RANGES);
}

function scopeIn(bytes: Uint8Array, ranges: readonly Range[]): AddressScope {
  // the most specific range wins (::1/128 before ::/96)
  let found: Range | undefined;
  for (const range of ranges) if (matches(bytes, range[0], range[1]) && (!found || range[1] > found[1])) found = range;
  return found?.[2] ?? 'public';
}

function matches(bytes: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
    if (((bytes[bit / 8]! ^ prefix[bit / 8]!) & mask) !== 0) return false;
  }
  return true;
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.').map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)
    ? Uint8Array.from(parts)
    : undefined;
}

function parseIPv6(text: string): Uint8Array | undefined {
  let groups = text.split(':');
  const bytes = new Uint8Array(16);
  // a trailing dotted IPv4 part stands for the last two groups
  const last = groups[groups.length - 1]!;
  const tail = last.includes('.') ? parseIPv4(last) : undefined;
  if (last.includes('.') && !tail) return undefined;
  if (tail)
    groups = [
      ...groups.slice(0, -1),
      ((tail[0]! << 8) | tail[1]!).toString(16),
      ((tail[2]! << 8) | tail[3]!).toString(16),
    ];
  const gap = groups.indexOf('');
  if (gap !== -1) {
    const head = groups.slice(0, gap).filter(Boolean);
    const rest = groups.slice(gap).filter(Boolean);
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  }
  if (groups.length !== 8) return undefined;
  for (const [i, group] of groups.entries()) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}
