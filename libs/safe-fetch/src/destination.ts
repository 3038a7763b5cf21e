import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { ADDRESS_CLASS_DESCRIPTIONS, classifyAddress, parseAddress } from './address';
import { allowsAddress, allowsHostName, parseAllowHosts, type AllowHosts } from './allow-hosts';
import { FetchFailedError, FetchRefusedError } from './errors';

/** Resolves a host name to every address it has (IPv4 and IPv6). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), all families, all answers. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
};

/** Options shared by fetchImage() and deliver(). */
export interface DestinationOptions {
  /** FETCH_ALLOW_HOSTS: internal destinations the operator allows (see parseAllowHosts). */
  allowHosts?: string | readonly string[] | AllowHosts;
  /** Replaces the system resolver (tests, or a dedicated DNS client). */
  resolve?: Resolver;
}

export interface Policy {
  allow: AllowHosts;
  resolve: Resolver;
  /** Names the URL in messages: "upload_url", "webhook target". */
  label: string;
}

export function makePolicy(options: DestinationOptions, label: string): Policy {
  return {
    allow: parseAllowHosts(options.allowHosts),
    resolve: options.resolve ?? systemResolver,
    label,
  };
}

/** A destination that passed every check, with the addresses the connection is pinned to. */
export interface Destination {
  url: URL;
  /** Host name (or address, without brackets) as written in the URL: used for Host and SNI. */
  hostname: string;
  port: number;
  addresses: LookupAddress[];
}

/** Parse a user-supplied URL; anything but an absolute http(s) URL without credentials is refused. */
export function parseTargetUrl(input: string | URL, subject: string): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new FetchRefusedError('invalid_url', `${subject} is not a valid absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchRefusedError(
      'unsupported_scheme',
      `${subject} uses the unsupported scheme "${url.protocol.replace(/:$/, '')}"; only http and https are allowed`,
    );
  }
  if (url.username || url.password) {
    throw new FetchRefusedError(
      'credentials_in_url',
      `${subject} must not contain a user name or password`,
    );
  }
  if (!url.hostname) throw new FetchRefusedError('invalid_url', `${subject} has no host`);
  return url;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Check a URL against the address rules and resolve the addresses to connect to. The URL must
 * already have passed parseTargetUrl(). `subject` names it in messages ("upload_url",
 * "upload_url redirect").
 *
 * A host name is resolved once, here; every address it resolves to must be public (or allowed),
 * and the connection later goes to exactly these addresses (see pinnedLookup), so a second DNS
 * answer cannot point the request somewhere else.
 */
export async function checkDestination(
  url: URL,
  policy: Policy,
  subject: string,
  signal?: AbortSignal,
): Promise<Destination> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const literal = parseAddress(hostname);

  let addresses: string[];
  if (literal) {
    addresses = [hostname];
  } else {
    try {
      addresses = await abortable(policy.resolve(hostname), signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new FetchFailedError(
        'dns',
        `${subject} host ${hostname} could not be resolved`,
        undefined,
        { cause: err },
      );
    }
    if (addresses.length === 0) {
      throw new FetchFailedError('dns', `${subject} host ${hostname} could not be resolved`);
    }
  }

  const nameAllowed = !literal && allowsHostName(policy.allow, hostname, port);
  const pinned: LookupAddress[] = [];
  for (const address of addresses) {
    const parsed = parseAddress(address);
    const cls = classifyAddress(address);
    if (!nameAllowed && cls !== 'public' && !allowsAddress(policy.allow, address, port)) {
      const what = ADDRESS_CLASS_DESCRIPTIONS[cls];
      // Show the address only when the caller wrote it: what an internal name resolves to stays private.
      throw new FetchRefusedError(
        'internal_address',
        literal
          ? `${subject} points to ${what} (${hostname}); such destinations are refused`
          : `${subject} host ${hostname} resolves to ${what}; such destinations are refused`,
      );
    }
    if (!parsed) continue; // only reachable for allowed names answering garbage
    pinned.push({ address: parsed.toString(), family: parsed.kind() === 'ipv4' ? 4 : 6 });
  }
  if (pinned.length === 0) {
    throw new FetchFailedError('dns', `${subject} host ${hostname} could not be resolved`);
  }
  return { url, hostname, port, addresses: pinned };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request()/net.connect() that answers with the already-validated addresses
 * and never asks DNS again. Works for both single-answer and `all: true` (happy eyeballs) calls.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]) {
  return (
    hostname: string,
    options: LookupOptions | number | LookupCallback,
    callback?: LookupCallback,
  ): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts: LookupOptions = typeof options === 'object' && options !== null ? options : {};
    const family = typeof options === 'number' ? options : opts.family;
    const wanted =
      family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
    const list = wanted ? addresses.filter((a) => a.family === wanted) : [...addresses];
    process.nextTick(() => {
      if (list.length === 0) {
        const err: NodeJS.ErrnoException = new Error(
          `no validated IPv${wanted} address for ${hostname}`,
        );
        err.code = 'ENOTFOUND';
        cb(err, opts.all ? [] : '', 0);
      } else if (opts.all) {
        cb(null, list);
      } else {
        cb(null, list[0].address, list[0].family);
      }
    });
  };
}
