import * as ipaddr from 'ipaddr.js';
import { parseAddress } from './address';

/**
 * The operator's allow-list (FETCH_ALLOW_HOSTS): destinations that may be internal. Entries are
 * separated by commas or whitespace:
 *
 * - `*`                       every destination (turns the address check off)
 * - `images.internal`         a host name, whatever it resolves to
 * - `*.internal.example`      any name under that domain (not the domain itself)
 * - `10.1.2.3`, `fd00::5`     one address
 * - `10.0.0.0/8`, `fd00::/8`  an address range
 * - `name:8080`, `127.0.0.1:8080`, `[::1]:8080`   the same, on that port only
 *
 * An entry lets the destination through the internal-address check; it does not restrict public
 * destinations, which are always allowed.
 */
export interface AllowHosts {
  readonly all: boolean;
  readonly entries: readonly AllowEntry[];
}

type AllowEntry =
  | { kind: 'host'; host: string; port?: number }
  | { kind: 'suffix'; suffix: string; port?: number }
  | { kind: 'range'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: number };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export const NO_ALLOWED_HOSTS: AllowHosts = Object.freeze({ all: false, entries: [] });

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** IPv4-mapped IPv6 addresses match IPv4 entries. */
function normaliseAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

function parseEntry(raw: string): AllowEntry | '*' {
  const entry = raw.toLowerCase();
  if (entry === '*') return '*';

  let body = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) {
    body = bracketed[1];
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
  } else if (!body.includes('/') && !parseAddress(body)) {
    // "host:port" / "a.b.c.d:port"; a bare IPv6 address (several colons) was handled above.
    const withPort = /^([^:]+):(\d{1,5})$/.exec(body);
    if (withPort) {
      body = withPort[1];
      port = Number(withPort[2]);
    }
  }
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new Error(`allow-list entry "${raw}": port out of range`);
  }

  if (body.includes('/')) {
    if (!ipaddr.isValidCIDR(body))
      throw new Error(`allow-list entry "${raw}" is not a valid CIDR range`);
    const [addr, bits] = ipaddr.parseCIDR(body);
    return { kind: 'range', range: [addr, bits], port };
  }
  const addr = parseAddress(body);
  if (addr) {
    const single = normaliseAddress(addr);
    return { kind: 'range', range: [single, single.kind() === 'ipv4' ? 32 : 128], port };
  }
  if (body.startsWith('*.')) {
    const suffix = normaliseHost(body.slice(2));
    if (!HOST_NAME.test(suffix))
      throw new Error(`allow-list entry "${raw}" is not a valid domain pattern`);
    return { kind: 'suffix', suffix, port };
  }
  const host = normaliseHost(body);
  if (!HOST_NAME.test(host))
    throw new Error(`allow-list entry "${raw}" is not a host name, address or range`);
  return { kind: 'host', host, port };
}

/**
 * Parse FETCH_ALLOW_HOSTS (a comma- or space-separated string, or a list). Throws on an entry it
 * cannot understand, so a typo fails at start-up instead of silently allowing nothing.
 */
export function parseAllowHosts(
  value: string | readonly string[] | AllowHosts | undefined | null,
): AllowHosts {
  if (!value) return NO_ALLOWED_HOSTS;
  if (typeof value !== 'string' && !Array.isArray(value)) return value as AllowHosts;
  const list: readonly string[] =
    typeof value === 'string' ? [value] : (value as readonly string[]);
  const items = list.flatMap((v) => v.split(/[\s,]+/));
  let all = false;
  const entries: AllowEntry[] = [];
  for (const item of items) {
    const raw = item.trim();
    if (!raw) continue;
    const parsed = parseEntry(raw);
    if (parsed === '*') all = true;
    else entries.push(parsed);
  }
  return { all, entries };
}

function portMatches(entry: AllowEntry, port: number): boolean {
  return entry.port === undefined || entry.port === port;
}

/** True when a name entry (exact or `*.domain`) allows this host name on this port. */
export function allowsHostName(allow: AllowHosts, hostname: string, port: number): boolean {
  if (allow.all) return true;
  const host = normaliseHost(hostname);
  return allow.entries.some(
    (e) =>
      portMatches(e, port) &&
      ((e.kind === 'host' && e.host === host) ||
        (e.kind === 'suffix' && host.endsWith(`.${e.suffix}`))),
  );
}

/** True when an address or range entry allows this address on this port. */
export function allowsAddress(allow: AllowHosts, address: string, port: number): boolean {
  if (allow.all) return true;
  const parsed = parseAddress(address);
  if (!parsed) return false;
  const addr = normaliseAddress(parsed);
  return allow.entries.some(
    (e) =>
      e.kind === 'range' &&
      portMatches(e, port) &&
      e.range[0].kind() === addr.kind() &&
      addr.match(e.range as [typeof addr, number]),
  );
}
