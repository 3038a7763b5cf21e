import { invalidSettings, ipAllowed, originAllowed, refusalReason } from './client-access';

const open = { exposeKey: false, ips: [], domains: [] };

describe('refusalReason', () => {
  it('admits server calls when nothing is restricted', () => {
    expect(refusalReason(open, { ip: '203.0.113.7', origin: undefined })).toBeNull();
  });

  it('refuses cross-origin browser calls when the key is not exposed, naming the setting and where to change it', () => {
    const reason = refusalReason(open, { ip: '203.0.113.7', origin: 'https://app.example.com' });
    expect(reason).toMatch(/exposeKey is false/);
    expect(reason).toMatch(/Security page/);
    expect(
      refusalReason({ ...open, exposeKey: true }, { ip: '1.1.1.1', origin: 'https://a.test' }),
    ).toBeNull();
  });

  it("admits this service's own pages (same origin) whatever exposeKey says", () => {
    expect(
      refusalReason(open, { ip: '1.1.1.1', origin: 'https://api.test', sameOrigin: true }),
    ).toBeNull();
  });

  it('admits listed origins, exposed or not, and only those when a list is set', () => {
    for (const exposeKey of [true, false]) {
      const s = { exposeKey, ips: [], domains: ['example.com'] };
      expect(refusalReason(s, { ip: '1.1.1.1', origin: 'https://example.com' })).toBeNull();
      expect(refusalReason(s, { ip: '1.1.1.1', origin: 'https://evil.test' })).toMatch(
        /not in the security setting domains/,
      );
      expect(refusalReason(s, { ip: '1.1.1.1', origin: undefined })).toBeNull();
    }
  });

  it('admits only listed addresses', () => {
    const s = { exposeKey: false, ips: ['10.1.0.0/16'], domains: [] };
    expect(refusalReason(s, { ip: '10.1.2.3', origin: undefined })).toBeNull();
    expect(refusalReason(s, { ip: '10.2.0.1', origin: undefined })).toMatch(/10\.2\.0\.1/);
  });
});

describe('ipAllowed', () => {
  it('matches single addresses, CIDR ranges and IPv4-mapped IPv6', () => {
    expect(ipAllowed(['127.0.0.1'], '::ffff:127.0.0.1')).toBe(true);
    expect(ipAllowed(['192.168.0.0/24'], '192.168.0.255')).toBe(true);
    expect(ipAllowed(['192.168.0.0/24'], '192.168.1.0')).toBe(false);
    expect(ipAllowed(['2001:db8::/32'], '2001:db8::1')).toBe(true);
    expect(ipAllowed(['2001:db8::/32'], '10.0.0.1')).toBe(false);
    expect(ipAllowed(['10.0.0.1'], undefined)).toBe(false);
  });
});

describe('originAllowed', () => {
  it('matches host names, wildcard sub-domains and full origins', () => {
    expect(originAllowed(['*.example.com'], 'https://a.example.com')).toBe(true);
    expect(originAllowed(['*.example.com'], 'https://example.com.evil.test')).toBe(false);
    expect(originAllowed(['https://example.com'], 'https://example.com')).toBe(true);
    expect(originAllowed(['https://example.com'], 'http://example.com')).toBe(false);
    expect(originAllowed(['example.com'], 'not a url')).toBe(false);
  });
});

describe('invalidSettings', () => {
  it('rejects malformed entries', () => {
    expect(
      invalidSettings({ exposeKey: true, ips: ['10.0.0.0/8', '::1'], domains: ['*.a.com'] }),
    ).toBeNull();
    expect(invalidSettings({ exposeKey: true, ips: ['10.0.0.300'], domains: [] })).toMatch(
      /10\.0\.0\.300/,
    );
    expect(invalidSettings({ exposeKey: true, ips: [], domains: ['a b'] })).toMatch(/a b/);
  });
});
