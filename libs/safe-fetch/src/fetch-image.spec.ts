import { fetchImage } from './fetch-image';
import {
  FetchFailedError,
  FetchRefusedError,
  FetchTimeoutError,
  FetchTooLargeError,
} from './errors';
import type { Resolver } from './destination';
import { FAKE_PNG, startServer, type TestServer } from './test-support/server';

/** Resolves names from a table; counts calls. Never returns anything outside loopback to connect to. */
function tableResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const answer = table[hostname];
    if (!answer) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(fn, { calls });
}

async function refusal(promise: Promise<unknown>): Promise<FetchRefusedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchRefusedError);
  return err as FetchRefusedError;
}

async function failure<T extends Error>(
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

describe('fetchImage', () => {
  let images: TestServer; // the server a test allows
  let other: TestServer; // another loopback server nobody allows: must never see a request
  let allowImages: string;

  beforeAll(async () => {
    other = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end(FAKE_PNG),
    );
    images = await startServer((req, res) => {
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
    allowImages = `127.0.0.1:${images.port}`;
  });

  afterAll(async () => {
    await images.close();
    await other.close();
  });

  beforeEach(() => {
    images.requests.length = 0;
    other.requests.length = 0;
  });

  afterEach(() => {
    expect(other.requests).toEqual([]);
  });

  describe('address rules', () => {
    it('refuses a local server by default, before connecting', async () => {
      const err = await refusal(fetchImage(images.url('/img.png')));
      expect(err.code).toBe('internal_address');
      expect(err).toBeInstanceOf(FetchRefusedError);
      expect(err.message).toBe(
        'upload_url points to a loopback address (127.0.0.1); such destinations are refused',
      );
      expect(images.requests).toEqual([]);
    });

    it('fetches from a local server the operator allows (host:port, address, range, *)', async () => {
      for (const allowHosts of [
        allowImages,
        '127.0.0.1',
        '127.0.0.0/8',
        '*',
        ['10.0.0.0/8', allowImages],
      ]) {
        const image = await fetchImage(images.url('/img.png'), { allowHosts });
        expect(image.bytes.equals(FAKE_PNG)).toBe(true);
        expect(image.contentType).toBe('image/png');
        expect(image.finalUrl).toBe(images.url('/img.png'));
      }
    });

    it('a port-bound entry does not allow the same address on another port', async () => {
      const err = await refusal(fetchImage(other.url('/img.png'), { allowHosts: allowImages }));
      expect(err.message).toContain('loopback address (127.0.0.1)');
    });

    it.each([
      ['http://127.0.0.1/', 'a loopback address (127.0.0.1)'],
      ['http://127.0.0.2:8080/', 'a loopback address (127.0.0.2)'],
      ['http://2130706433/', 'a loopback address (127.0.0.1)'],
      ['http://0x7f.1/', 'a loopback address (127.0.0.1)'],
      ['http://0177.0.0.1/', 'a loopback address (127.0.0.1)'],
      ['http://127.1/', 'a loopback address (127.0.0.1)'],
      ['http://[::1]/', 'a loopback address (::1)'],
      ['http://[::ffff:127.0.0.1]/', 'a loopback address (::ffff:7f00:1)'],
      ['https://10.0.0.1/a.jpg', 'a private address (10.0.0.1)'],
      ['http://192.168.0.10/', 'a private address (192.168.0.10)'],
      ['http://169.254.169.254/latest/meta-data/', 'a link-local address (169.254.169.254)'],
      ['http://[fe80::1]/', 'a link-local address (fe80::1)'],
      ['http://[fc00::1]/', 'a private address (fc00::1)'],
      ['http://100.64.0.1/', 'a carrier-grade NAT (shared) address (100.64.0.1)'],
      ['http://0.0.0.0/', 'an unspecified address (0.0.0.0)'],
      ['http://0/', 'an unspecified address (0.0.0.0)'],
      ['http://[::]/', 'an unspecified address (::)'],
      ['http://224.0.0.1/', 'a multicast address (224.0.0.1)'],
      ['http://255.255.255.255/', 'a broadcast address (255.255.255.255)'],
      ['http://[2002:a00:1::1]/', 'a private address (2002:a00:1::1)'],
    ])('refuses %s', async (url, what) => {
      const err = await refusal(fetchImage(url, { resolve: tableResolver({}) }));
      expect(err.code).toBe('internal_address');
      expect(err.message).toBe(`upload_url points to ${what}; such destinations are refused`);
    });

    it('refuses a host name that resolves to loopback (system resolver)', async () => {
      const err = await refusal(fetchImage(`http://localhost:${images.port}/img.png`));
      expect(err.message).toBe(
        'upload_url host localhost resolves to a loopback address; such destinations are refused',
      );
      expect(images.requests).toEqual([]);
    });

    it('refuses a name when ANY of its addresses is internal, without naming the address', async () => {
      const resolve = tableResolver({
        'mixed.example': ['93.184.216.34', '2606:2800:220:1::1', '10.0.0.1'],
      });
      const err = await refusal(fetchImage('http://mixed.example/a.png', { resolve }));
      expect(err.message).toBe(
        'upload_url host mixed.example resolves to a private address; such destinations are refused',
      );
      const v6 = tableResolver({ 'v6.example': ['93.184.216.34', 'fd00::1'] });
      await refusal(fetchImage('http://v6.example/a.png', { resolve: v6 }));
      const metadata = tableResolver({ 'metadata.example': ['::ffff:169.254.169.254'] });
      expect(
        (await refusal(fetchImage('http://metadata.example/', { resolve: metadata }))).message,
      ).toContain('link-local');
    });

    it('connects to the validated address, keeping the host name in Host (no second lookup)', async () => {
      const resolve = tableResolver({ 'images.example': ['127.0.0.1'] });
      const image = await fetchImage(`http://images.example:${images.port}/img.png`, {
        resolve,
        allowHosts: allowImages,
      });
      expect(image.bytes.equals(FAKE_PNG)).toBe(true);
      expect(image.finalUrl).toBe(`http://images.example:${images.port}/img.png`);
      expect(images.requests[0].headers.host).toBe(`images.example:${images.port}`);
      expect(resolve.calls).toEqual(['images.example']);
    });

    it('an allowed host name may resolve to internal addresses', async () => {
      const resolve = tableResolver({ 'images.internal': ['127.0.0.1'] });
      const image = await fetchImage(`http://images.internal:${images.port}/img.png`, {
        resolve,
        allowHosts: 'images.internal',
      });
      expect(image.bytes.equals(FAKE_PNG)).toBe(true);
    });

    it('reports a name that does not resolve as a failure', async () => {
      const err = await failure(
        fetchImage('http://nowhere.example/', { resolve: tableResolver({}) }),
        FetchFailedError,
      );
      expect(err.code).toBe('dns');
      expect(err.message).toBe('upload_url host nowhere.example could not be resolved');
    });

    it.each([
      ['ftp://example.com/a.png', 'unsupported_scheme'],
      ['file:///etc/passwd', 'unsupported_scheme'],
      ['data:image/png;base64,AAAA', 'unsupported_scheme'],
      ['gopher://127.0.0.1:6379/_INFO', 'unsupported_scheme'],
      ['not a url', 'invalid_url'],
      ['/relative/path.png', 'invalid_url'],
      ['http://user:secret@example.com/a.png', 'credentials_in_url'],
    ])('refuses %s (%s)', async (url, code) => {
      const err = await refusal(fetchImage(url, { resolve: tableResolver({}) }));
      expect(err.code).toBe(code);
    });
  });

  describe('redirects', () => {
    const via = (to: string) => images.url(`/redirect?to=${encodeURIComponent(to)}`);

    it('follows an allowed redirect and reports the final URL', async () => {
      const image = await fetchImage(via('/img.png'), { allowHosts: allowImages });
      expect(image.bytes.equals(FAKE_PNG)).toBe(true);
      expect(image.finalUrl).toBe(images.url('/img.png'));
    });

    it.each([
      ['loopback on another port', () => other.url('/img.png'), 'a loopback address (127.0.0.1)'],
      [
        'another loopback address',
        () => `http://127.0.0.2:${images.port}/img.png`,
        'a loopback address (127.0.0.2)',
      ],
      ['[::1]', () => `http://[::1]:${images.port}/img.png`, 'a loopback address (::1)'],
      ['10.0.0.1', () => 'http://10.0.0.1/img.png', 'a private address (10.0.0.1)'],
      [
        'cloud metadata',
        () => 'http://169.254.169.254/latest/meta-data/',
        'a link-local address (169.254.169.254)',
      ],
      [
        'a decimal loopback literal',
        () => `http://2130706433:${other.port}/`,
        'a loopback address (127.0.0.1)',
      ],
    ])('refuses a redirect to %s', async (_name, target, what) => {
      const err = await refusal(fetchImage(via(target()), { allowHosts: allowImages }));
      expect(err.message).toBe(
        `upload_url redirect points to ${what}; such destinations are refused`,
      );
      expect(images.requests).toHaveLength(1);
    });

    it('refuses a redirect to a name resolving to an internal address', async () => {
      const resolve = tableResolver({ 'rebind.example': ['127.0.0.1'] });
      const err = await refusal(
        fetchImage(via(`http://rebind.example:${other.port}/`), {
          allowHosts: allowImages,
          resolve,
        }),
      );
      expect(err.message).toBe(
        'upload_url redirect host rebind.example resolves to a loopback address; such destinations are refused',
      );
      const local = await refusal(
        fetchImage(via(`http://localhost:${other.port}/`), { allowHosts: allowImages }),
      );
      expect(local.message).toContain('host localhost resolves to a loopback address');
    });

    it('refuses a redirect to another scheme', async () => {
      const err = await refusal(fetchImage(via('file:///etc/passwd'), { allowHosts: allowImages }));
      expect(err.code).toBe('unsupported_scheme');
      expect(err.message).toContain('upload_url redirect uses the unsupported scheme "file"');
    });

    it('follows at most maxRedirects (default 3)', async () => {
      const ok = await fetchImage(images.url('/chain/3'), { allowHosts: allowImages });
      expect(ok.finalUrl).toBe(images.url('/img.png'));
      const err = await failure(
        fetchImage(images.url('/chain/4'), { allowHosts: allowImages }),
        FetchFailedError,
      );
      expect(err.code).toBe('too_many_redirects');
      expect(err.message).toBe('upload_url redirected more than 3 times');
      await failure(
        fetchImage(images.url('/chain/1'), { allowHosts: allowImages, maxRedirects: 0 }),
        FetchFailedError,
      );
    });
  });

  describe('limits and checks', () => {
    it('refuses a body announced over the cap without reading it (413)', async () => {
      const err = await failure(
        fetchImage(images.url('/big-announced'), { allowHosts: allowImages, maxBytes: 4096 }),
        FetchTooLargeError,
      );
      expect(err.code).toBe('too_large');
      expect(err.message).toBe('upload_url image is larger than the 4 KB limit');
      expect(err).toBeInstanceOf(FetchFailedError);
    });

    it('stops reading as soon as an unannounced body passes the cap', async () => {
      const started = Date.now();
      const err = await failure(
        fetchImage(images.url('/big-stream'), {
          allowHosts: allowImages,
          maxBytes: 10_000,
          timeoutMs: 5000,
        }),
        FetchTooLargeError,
      );
      expect(err.limitBytes).toBe(10_000);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('accepts a body exactly at the cap', async () => {
      const image = await fetchImage(images.url('/img.png'), {
        allowHosts: allowImages,
        maxBytes: FAKE_PNG.length,
      });
      expect(image.bytes.length).toBe(FAKE_PNG.length);
    });

    it('times out a server that never answers', async () => {
      const started = Date.now();
      const err = await failure(
        fetchImage(images.url('/hang'), { allowHosts: allowImages, timeoutMs: 300 }),
        FetchTimeoutError,
      );
      expect(err.code).toBe('timeout');
      expect(err.message).toBe('upload_url did not deliver the image within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('the time limit covers a body that trickles in', async () => {
      await failure(
        fetchImage(images.url('/drip'), { allowHosts: allowImages, timeoutMs: 300 }),
        FetchTimeoutError,
      );
    });

    it('the time limit covers a slow DNS answer', async () => {
      const slow: Resolver = () => new Promise(() => undefined);
      await failure(
        fetchImage('http://slow.example/', { resolve: slow, timeoutMs: 200 }),
        FetchTimeoutError,
      );
    });

    it('checks the content type', async () => {
      const html = await failure(
        fetchImage(images.url('/html'), { allowHosts: allowImages }),
        FetchFailedError,
      );
      expect(html.code).toBe('bad_content_type');
      expect(html.message).toBe('upload_url answered with content type text/html, not an image');
      const none = await failure(
        fetchImage(images.url('/no-type'), { allowHosts: allowImages }),
        FetchFailedError,
      );
      expect(none.code).toBe('bad_content_type');
      expect(
        (await fetchImage(images.url('/octet'), { allowHosts: allowImages })).contentType,
      ).toBe('application/octet-stream');
      expect(
        (await fetchImage(images.url('/jpeg-params'), { allowHosts: allowImages })).contentType,
      ).toBe('image/jpeg');
    });

    it('reports an error status', async () => {
      const err = await failure(
        fetchImage(images.url('/missing'), { allowHosts: allowImages }),
        FetchFailedError,
      );
      expect(err.code).toBe('bad_status');
      expect(err.status).toBe(404);
      expect(err.message).toBe('upload_url answered HTTP 404');
    });

    it('reports a closed port as a network failure', async () => {
      const closed = await startServer(() => undefined);
      const url = closed.url('/img.png');
      await closed.close();
      const err = await failure(fetchImage(url, { allowHosts: '127.0.0.1' }), FetchFailedError);
      expect(err.code).toBe('network');
      expect(err.message).toBe('upload_url could not be reached (connection refused)');
    });

    it('uses a label in messages', async () => {
      const err = await refusal(fetchImage('http://10.0.0.1/', { label: 'image URL' }));
      expect(err.message).toMatch(/^image URL points to a private address/);
    });
  });
});
