/** What the fetchImage specs share: a resolver table, error helpers, and two local servers. */
import { FetchRefusedError } from '../errors';
import type { Resolver } from '../destination';
import { FAKE_PNG, startServer, type TestServer } from './server';

/** Resolves names from a table; counts calls. Never returns anything outside loopback to connect to. */
export function tableResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const answer = table[hostname];
    if (!answer) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(fn, { calls });
}

export async function refusal(promise: Promise<unknown>): Promise<FetchRefusedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchRefusedError);
  return err as FetchRefusedError;
}

export async function failure<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as T;
}

export interface ImageServers {
  /** the server a test allows */
  images: TestServer;
  /** another loopback server nobody allows: must never see a request */
  other: TestServer;
  /** FETCH_ALLOW_HOSTS value that opens `images` */
  allowImages: string;
}

/** Starts both servers for the calling describe block and checks `other` saw nothing after each test. */
export function imageServers(): ImageServers {
  const servers = {} as ImageServers;

  beforeAll(async () => {
    servers.other = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end(FAKE_PNG),
    );
    servers.images = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (path === '/img.png')
        return res.writeHead(200, { 'content-type': 'image/png' }).end(FAKE_PNG);
      if (path === '/octet')
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(FAKE_PNG);
      if (path === '/jpeg-params')
        return res.writeHead(200, { 'content-type': 'Image/JPEG; charset=binary' }).end(FAKE_PNG);
      if (path === '/html')
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      if (path === '/no-type') {
        res.removeHeader('content-type');
        return res.writeHead(200).end(FAKE_PNG);
      }
      if (path === '/missing')
        return res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
      if (path === '/redirect')
        return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      if (path.startsWith('/chain/')) {
        const n = Number(path.slice('/chain/'.length));
        return res.writeHead(301, { location: n > 1 ? `/chain/${n - 1}` : '/img.png' }).end();
      }
      if (path === '/big-announced') {
        return res
          .writeHead(200, { 'content-type': 'image/png', 'content-length': '5000' })
          .end(Buffer.alloc(5000));
      }
      if (path === '/big-stream') {
        // No Content-Length: 1 KB chunks until the client goes away.
        res.writeHead(200, { 'content-type': 'image/png' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024)), 2);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (path === '/hang') return; // never answers
      if (path === '/drip') {
        res.writeHead(200, { 'content-type': 'image/png' });
        const timer = setInterval(() => res.write(Buffer.alloc(1)), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(500).end();
    });
    servers.allowImages = `127.0.0.1:${servers.images.port}`;
  });

  afterAll(async () => {
    await servers.images.close();
    await servers.other.close();
  });

  beforeEach(() => {
    servers.images.requests.length = 0;
    servers.other.requests.length = 0;
  });

  afterEach(() => {
    expect(servers.other.requests).toEqual([]);
  });
  return servers;
}
