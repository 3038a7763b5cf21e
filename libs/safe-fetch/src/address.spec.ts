import { classifyAddress, isPublicAddress, type AddressClass } from './address';
import { allowsAddress, allowsHostName, parseAllowHosts } from './allow-hosts';

describe('classifyAddress', () => {
  const table: Array<[string, AddressClass]> = [
    // public
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2001:4860::8888', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'], // IPv4-mapped public address
    ['64:ff9b::808:808', 'public'], // NAT64 of 8.8.8.8
    ['2002:808:808::1', 'public'], // 6to4 of 8.8.8.8
    // loopback
    ['127.0.0.1', 'loopback'],
    ['127.255.0.2', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'], // SIIT-translated
    ['2002:7f00:1::', 'loopback'], // 6to4 wrapping 127.0.0.1
    // private
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'], // deprecated site-local
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['2002:a00:1::1', 'private'], // 6to4 wrapping 10.0.0.1
    ['2001:0:808:808:0:0:f5ff:fffe', 'private'], // Teredo, client 10.0.0.1 (inverted)
    // link-local, cloud metadata
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    // the rest
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'], // discard prefix
    ['::7f00:1', 'reserved'], // deprecated IPv4-compatible form
    ['64:ff9b:1::a00:1', 'reserved'], // local-use NAT64
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'], // Teredo, client 192.0.2.45
    ['4000::1', 'reserved'], // outside 2000::/3
    // not addresses (the URL parser normalises shorthand IPv4 before we see it)
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['', 'invalid'],
  ];

  it.each(table)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
    expect(isPublicAddress(address)).toBe(expected === 'public');
  });
});

describe('parseAllowHosts', () => {
  it('is empty for nothing', () => {
    expect(parseAllowHosts(undefined)).toEqual({ all: false, entries: [] });
    expect(parseAllowHosts('')).toEqual({ all: false, entries: [] });
    expect(parseAllowHosts(' , ')).toEqual({ all: false, entries: [] });
  });

  it('* allows everything', () => {
    const allow = parseAllowHosts('*');
    expect(allow.all).toBe(true);
    expect(allowsAddress(allow, '10.0.0.1', 80)).toBe(true);
    expect(allowsHostName(allow, 'anything', 80)).toBe(true);
  });

  it('matches addresses, ranges, names, domains and ports', () => {
    const allow = parseAllowHosts(
      'images.internal, *.corp.example 10.1.0.0/16,127.0.0.1:8080,[::1]:9000,fd00::5,Upper.Example.',
    );
    expect(allowsHostName(allow, 'images.internal', 80)).toBe(true);
    expect(allowsHostName(allow, 'IMAGES.internal.', 443)).toBe(true);
    expect(allowsHostName(allow, 'other.internal', 80)).toBe(false);
    expect(allowsHostName(allow, 'a.b.corp.example', 80)).toBe(true);
    expect(allowsHostName(allow, 'corp.example', 80)).toBe(false);
    expect(allowsHostName(allow, 'evilcorp.example', 80)).toBe(false);
    expect(allowsHostName(allow, 'upper.example', 80)).toBe(true);

    expect(allowsAddress(allow, '10.1.200.3', 80)).toBe(true);
    expect(allowsAddress(allow, '10.2.0.1', 80)).toBe(false);
    expect(allowsAddress(allow, '::ffff:10.1.0.9', 80)).toBe(true);
    expect(allowsAddress(allow, '127.0.0.1', 8080)).toBe(true);
    expect(allowsAddress(allow, '127.0.0.1', 8081)).toBe(false);
    expect(allowsAddress(allow, '127.0.0.2', 8080)).toBe(false);
    expect(allowsAddress(allow, '::1', 9000)).toBe(true);
    expect(allowsAddress(allow, '::1', 80)).toBe(false);
    expect(allowsAddress(allow, 'fd00::5', 1234)).toBe(true);
    expect(allowsAddress(allow, 'fd00::6', 1234)).toBe(false);
  });

  it('rejects entries it cannot understand', () => {
    expect(() => parseAllowHosts('10.0.0.0/33')).toThrow(/CIDR/);
    expect(() => parseAllowHosts('bad host!')).toThrow(/not a host name/);
    expect(() => parseAllowHosts('127.0.0.1:70000')).toThrow(/port/);
    expect(() => parseAllowHosts('http://x/')).toThrow();
  });
});
