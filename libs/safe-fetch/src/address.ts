import * as ipaddr from 'ipaddr.js';

/**
 * What kind of destination an IP address is. Everything but `public` is refused unless the
 * operator allows it.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'linkLocal'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'carrierGradeNat'
  | 'reserved'
  | 'invalid';

/** Human wording used in refusal messages: "resolves to <description>". */
export const ADDRESS_CLASS_DESCRIPTIONS: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  reserved: 'a reserved or special-purpose address',
  invalid: 'an invalid address',
};

const V4_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'linkLocal',
  loopback: 'loopback',
  carrierGradeNat: 'carrierGradeNat',
  private: 'private',
  // reserved, as112, amt and any range a later ipaddr.js adds fall through to 'reserved'.
};

const V6_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  linkLocal: 'linkLocal',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
};

/** Only the global unicast block 2000::/3 is routable on the IPv6 internet today. */
const V6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
/** Local-use NAT64 prefix (RFC 8215): goes to a translator inside the network. */
const V6_LOCAL_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number];

function v4FromParts(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function classifyV4(addr: ipaddr.IPv4): AddressClass {
  return V4_CLASS[addr.range()] ?? 'reserved';
}

/** The worse of two classes: anything not public wins. */
function worst(a: AddressClass, b: AddressClass): AddressClass {
  return a === 'public' ? b : a;
}

function classifyV6(addr: ipaddr.IPv6): AddressClass {
  const p = addr.parts;
  const range = addr.range();
  switch (range) {
    // Forms that carry an IPv4 address: judge the IPv4 address they lead to.
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT translated)
      return classifyV4(v4FromParts(p[6], p[7]));
    case 'rfc6052': // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
      if (addr.match(V6_LOCAL_NAT64)) return 'reserved';
      return classifyV4(v4FromParts(p[6], p[7]));
    case '6to4': // 2002:AABB:CCDD::/48 embeds a.b.c.d
      return classifyV4(v4FromParts(p[1], p[2]));
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC — server address in clear, client address inverted.
      const server = classifyV4(v4FromParts(p[2], p[3]));
      const client = classifyV4(v4FromParts(~p[6] & 0xffff, ~p[7] & 0xffff));
      return worst(server, client);
    }
  }
  const cls = V6_CLASS[range] ?? 'reserved';
  if (cls !== 'public') return cls;
  // Belt and braces: ipaddr.js calls everything it has no name for "unicast", including the
  // deprecated IPv4-compatible ::a.b.c.d block and unassigned space outside 2000::/3.
  if (!addr.match(V6_GLOBAL_UNICAST)) return 'reserved';
  return 'public';
}

/** Parse an address as Node or the URL parser prints it (brackets and an IPv6 zone are tolerated). */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  // Only accept the canonical dotted-quad for IPv4 here: the URL parser has already normalised
  // shorthand forms (127.1, 0x7f.1, 2130706433), and DNS answers are always canonical.
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return null;
}

/**
 * Classify an IP address literal. IPv4-mapped, SIIT, NAT64, 6to4 and Teredo IPv6 forms are
 * judged by the IPv4 address(es) they embed.
 */
export function classifyAddress(address: string): AddressClass {
  const addr = parseAddress(address);
  if (!addr) return 'invalid';
  return addr.kind() === 'ipv4' ? classifyV4(addr as ipaddr.IPv4) : classifyV6(addr as ipaddr.IPv6);
}

/** True when the address is a publicly routable unicast address. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}
