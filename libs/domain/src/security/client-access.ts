import * as ipaddr from 'ipaddr.js';

export interface SecurityView {
  exposeKey: boolean;
  ips: string[];
  domains: string[];
}

/** Secure default for an account that never set anything: server-side use only, from anywhere. */
export const DEFAULT_SECURITY: Readonly<SecurityView> = Object.freeze({
  exposeKey: false,
  ips: [],
  domains: [],
});

export interface ClientFacts {
  /** Address the request came from (as Express reports it). */
  ip: string | undefined;
  /** The browser's `Origin` header, when present. */
  origin: string | undefined;
  /**
   * The browser says the call comes from a page of this service itself (its API docs, the
   * dashboard): the key is not exposed to another site, so exposeKey does not apply.
   */
  sameOrigin?: boolean;
}

/** Where an account owner changes these settings, for refusals to point at. */
const WHERE_TO_CHANGE =
  "in the dashboard's Security page (PUT /account/security) or by the operator (PUT /admin/accounts/{id}/security)";

/**
 * Why an account's security settings refuse this client, or null when they admit it. Browser
 * calls from this service's own pages are always admitted; from another site, when the site is
 * in `domains`, or (with no domains listed) when `exposeKey` is true.
 */
export function refusalReason(settings: SecurityView, client: ClientFacts): string | null {
  if (settings.ips.length > 0 && !ipAllowed(settings.ips, client.ip)) {
    return `requests from ${client.ip ?? 'an unknown address'} are not allowed for this API key`;
  }
  if (client.origin === undefined || client.sameOrigin) return null;
  // A cross-origin browser call: a listed site is admitted; with no list, exposeKey decides.
  if (settings.domains.length > 0) {
    if (originAllowed(settings.domains, client.origin)) return null;
    return `requests from origin ${client.origin} are refused for this API key: it is not in the security setting domains; add it ${WHERE_TO_CHANGE}`;
  }
  if (settings.exposeKey) return null;
  return `this API key may not be used from a browser on another site (origin ${client.origin}): the security setting exposeKey is false; set exposeKey to true, or list the site in domains, ${WHERE_TO_CHANGE}`;
}

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const addr = ipaddr.parse(ip);
    // An IPv4 client seen through an IPv6 socket ("::ffff:1.2.3.4") is the IPv4 address.
    return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
      ? (addr as ipaddr.IPv6).toIPv4Address()
      : addr;
  } catch {
    return null;
  }
}

export function ipAllowed(allowed: string[], ip: string | undefined): boolean {
  const addr = ip ? parse(ip) : null;
  if (!addr) return false;
  return allowed.some((entry) => {
    if (entry.includes('/')) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      return addr.kind() === range.kind() && addr.match(range, bits);
    }
    const single = parse(entry);
    return (
      single !== null &&
      single.kind() === addr.kind() &&
      single.toNormalizedString() === addr.toNormalizedString()
    );
  });
}

/** Entries are host names (`example.com`, `*.example.com` for sub-domains) or full origins. */
export function originAllowed(domains: string[], origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false;
  }
  return domains.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry.includes('://')) return entry.replace(/\/$/, '') === origin.toLowerCase();
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1));
    return host === entry;
  });
}

/** Validates settings before they are stored, so a typo cannot lock an owner out silently. */
export function invalidSettings(settings: SecurityView): string | null {
  for (const entry of settings.ips) {
    const ok = entry.includes('/') ? safe(() => ipaddr.parseCIDR(entry)) : ipaddr.isValid(entry);
    if (!ok) return `"${entry}" is not an IP address or CIDR range`;
  }
  for (const entry of settings.domains) {
    if (!/^(\*\.)?[a-z0-9.-]+$/i.test(entry) && !safe(() => new URL(entry)))
      return `"${entry}" is not a domain or origin`;
  }
  return null;
}

function safe(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
