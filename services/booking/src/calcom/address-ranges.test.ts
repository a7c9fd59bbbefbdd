import type { AddressScope } from './address-ranges';
import { addressScope } from './address-ranges';

/** Pure rules, no connection: which addresses a Cal.com base URL may resolve to. */
describe('the address rules for Cal.com targets', () => {
  const cases: [address: string, scope: AddressScope][] = [
    // IPv4
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link_local'], // cloud metadata
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    // IPv6 carrying an IPv4 address is judged by it
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:169.254.169.254]', 'link_local'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['2002:c0a8:0101::1', 'private'], // 6to4 of 192.168.1.1
    ['::127.0.0.1', 'reserved'], // IPv4-compatible
    // public
    ['104.18.20.1', 'public'],
    ['172.32.0.1', 'public'], // just outside 172.16/12
    ['100.128.0.1', 'public'], // just outside 100.64/10
    ['169.255.0.1', 'public'],
    ['11.0.0.1', 'public'],
    ['2606:4700::6810:1401', 'public'],
    ['::ffff:104.18.20.1', 'public'],
    ['fbff::1', 'public'], // just below fc00::/7
    ['fec0::1', 'link_local'], // site-local, deprecated
    // not an address
    ['api.cal.com', 'invalid'],
    ['', 'invalid'],
    ['1.2.3', 'invalid'],
  ];

  it.each(cases)('when %s is judged, then it is %s', (address, scope) => {
    expect(addressScope(address)).toBe(scope);
  });
});
