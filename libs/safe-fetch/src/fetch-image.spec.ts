import { fetchImage } from './fetch-image';
import { FetchFailedError, FetchTimeoutError, FetchTooLargeError } from './errors';
import type { Resolver } from './destination';
import { failure, imageServers, refusal, tableResolver } from './test-support/image-servers';
import { FAKE_PNG, startServer } from './test-support/server';

describe('fetchImage', () => {
  const servers = imageServers();

  describe('redirects', () => {
    const via = (to: string) => servers.images.url(`/redirect?to=${encodeURIComponent(to)}`);

    it('follows an allowed redirect and reports the final URL', async () => {
      const image = await fetchImage(via('/img.png'), { allowHosts: servers.allowImages });
      expect(image.bytes.equals(FAKE_PNG)).toBe(true);
      expect(image.finalUrl).toBe(servers.images.url('/img.png'));
    });

    it.each([
      [
        'loopback on another port',
        () => servers.other.url('/img.png'),
        'a loopback address (127.0.0.1)',
      ],
      [
        'another loopback address',
        () => `http://127.0.0.2:${servers.images.port}/img.png`,
        'a loopback address (127.0.0.2)',
      ],
      ['[::1]', () => `http://[::1]:${servers.images.port}/img.png`, 'a loopback address (::1)'],
      ['10.0.0.1', () => 'http://10.0.0.1/img.png', 'a private address (10.0.0.1)'],
      [
        'cloud metadata',
        () => 'http://169.254.169.254/latest/meta-data/',
        'a link-local address (169.254.169.254)',
      ],
      [
        'a decimal loopback literal',
        () => `http://2130706433:${servers.other.port}/`,
        'a loopback address (127.0.0.1)',
      ],
    ])('refuses a redirect to %s', async (_name, target, what) => {
      const err = await refusal(fetchImage(via(target()), { allowHosts: servers.allowImages }));
      expect(err.message).toBe(
        `upload_url redirect points to ${what}; such destinations are refused`,
      );
      expect(servers.images.requests).toHaveLength(1);
    });

    it('refuses a redirect to a name resolving to an internal address', async () => {
      const resolve = tableResolver({ 'rebind.example': ['127.0.0.1'] });
      const err = await refusal(
        fetchImage(via(`http://rebind.example:${servers.other.port}/`), {
          allowHosts: servers.allowImages,
          resolve,
        }),
      );
      expect(err.message).toBe(
        'upload_url redirect host rebind.example resolves to a loopback address; such destinations are refused',
      );
      const local = await refusal(
        fetchImage(via(`http://localhost:${servers.other.port}/`), {
          allowHosts: servers.allowImages,
        }),
      );
      expect(local.message).toContain('host localhost resolves to a loopback address');
    });

    it('refuses a redirect to another scheme', async () => {
      const err = await refusal(
        fetchImage(via('file:///etc/passwd'), { allowHosts: servers.allowImages }),
      );
      expect(err.code).toBe('unsupported_scheme');
      expect(err.message).toContain('upload_url redirect uses the unsupported scheme "file"');
    });

    it('follows at most maxRedirects (default 3)', async () => {
      const ok = await fetchImage(servers.images.url('/chain/3'), {
        allowHosts: servers.allowImages,
      });
      expect(ok.finalUrl).toBe(servers.images.url('/img.png'));
      const err = await failure(
        fetchImage(servers.images.url('/chain/4'), { allowHosts: servers.allowImages }),
        FetchFailedError,
      );
      expect(err.code).toBe('too_many_redirects');
      expect(err.message).toBe('upload_url redirected more than 3 times');
      await failure(
        fetchImage(servers.images.url('/chain/1'), {
          allowHosts: servers.allowImages,
          maxRedirects: 0,
        }),
        FetchFailedError,
      );
    });
  });

  describe('limits and checks', () => {
    it('refuses a body announced over the cap without reading it (413)', async () => {
      const err = await failure(
        fetchImage(servers.images.url('/big-announced'), {
          allowHosts: servers.allowImages,
          maxBytes: 4096,
        }),
        FetchTooLargeError,
      );
      expect(err.code).toBe('too_large');
      expect(err.message).toBe('upload_url image is larger than the 4 KB limit');
      expect(err).toBeInstanceOf(FetchFailedError);
    });

    it('stops reading as soon as an unannounced body passes the cap', async () => {
      const started = Date.now();
      const err = await failure(
        fetchImage(servers.images.url('/big-stream'), {
          allowHosts: servers.allowImages,
          maxBytes: 10_000,
          timeoutMs: 5000,
        }),
        FetchTooLargeError,
      );
      expect(err.limitBytes).toBe(10_000);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('accepts a body exactly at the cap', async () => {
      const image = await fetchImage(servers.images.url('/img.png'), {
        allowHosts: servers.allowImages,
        maxBytes: FAKE_PNG.length,
      });
      expect(image.bytes.length).toBe(FAKE_PNG.length);
    });

    it('times out a server that never answers', async () => {
      const started = Date.now();
      const err = await failure(
        fetchImage(servers.images.url('/hang'), {
          allowHosts: servers.allowImages,
          timeoutMs: 300,
        }),
        FetchTimeoutError,
      );
      expect(err.code).toBe('timeout');
      expect(err.message).toBe('upload_url did not deliver the image within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('the time limit covers a body that trickles in', async () => {
      await failure(
        fetchImage(servers.images.url('/drip'), {
          allowHosts: servers.allowImages,
          timeoutMs: 300,
        }),
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
        fetchImage(servers.images.url('/html'), { allowHosts: servers.allowImages }),
        FetchFailedError,
      );
      expect(html.code).toBe('bad_content_type');
      expect(html.message).toBe('upload_url answered with content type text/html, not an image');
      // no type at all reads as bytes of no stated type (RFC 9110), as octet-stream does
      expect(
        (await fetchImage(servers.images.url('/no-type'), { allowHosts: servers.allowImages }))
          .contentType,
      ).toBe('');
      expect(
        (await fetchImage(servers.images.url('/octet'), { allowHosts: servers.allowImages }))
          .contentType,
      ).toBe('application/octet-stream');
      expect(
        (await fetchImage(servers.images.url('/jpeg-params'), { allowHosts: servers.allowImages }))
          .contentType,
      ).toBe('image/jpeg');
    });

    it('reports an error status', async () => {
      const err = await failure(
        fetchImage(servers.images.url('/missing'), { allowHosts: servers.allowImages }),
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
