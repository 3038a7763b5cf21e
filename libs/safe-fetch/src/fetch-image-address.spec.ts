import { fetchImage } from './fetch-image';
import { FetchFailedError, FetchRefusedError } from './errors';
import { failure, imageServers, refusal, tableResolver } from './test-support/image-servers';
import { FAKE_PNG } from './test-support/server';

describe('fetchImage', () => {
  const servers = imageServers();

  describe('address rules', () => {
    it('refuses a local server by default, before connecting', async () => {
      const err = await refusal(fetchImage(servers.images.url('/img.png')));
      expect(err.code).toBe('internal_address');
      expect(err).toBeInstanceOf(FetchRefusedError);
      expect(err.message).toBe(
        'upload_url points to a loopback address (127.0.0.1); such destinations are refused',
      );
      expect(servers.images.requests).toEqual([]);
    });

    it('fetches from a local server the operator allows (host:port, address, range, *)', async () => {
      for (const allowHosts of [
        servers.allowImages,
        '127.0.0.1',
        '127.0.0.0/8',
        '*',
        ['10.0.0.0/8', servers.allowImages],
      ]) {
        const image = await fetchImage(servers.images.url('/img.png'), { allowHosts });
        expect(image.bytes.equals(FAKE_PNG)).toBe(true);
        expect(image.contentType).toBe('image/png');
        expect(image.finalUrl).toBe(servers.images.url('/img.png'));
      }
    });

    it('a port-bound entry does not allow the same address on another port', async () => {
      const err = await refusal(
        fetchImage(servers.other.url('/img.png'), { allowHosts: servers.allowImages }),
      );
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
      const err = await refusal(fetchImage(`http://localhost:${servers.images.port}/img.png`));
      expect(err.message).toBe(
        'upload_url host localhost resolves to a loopback address; such destinations are refused',
      );
      expect(servers.images.requests).toEqual([]);
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
      const resolve = tableResolver({ 'servers.images.example': ['127.0.0.1'] });
      const image = await fetchImage(
        `http://servers.images.example:${servers.images.port}/img.png`,
        {
          resolve,
          allowHosts: servers.allowImages,
        },
      );
      expect(image.bytes.equals(FAKE_PNG)).toBe(true);
      expect(image.finalUrl).toBe(`http://servers.images.example:${servers.images.port}/img.png`);
      expect(servers.images.requests[0].headers.host).toBe(
        `servers.images.example:${servers.images.port}`,
      );
      expect(resolve.calls).toEqual(['servers.images.example']);
    });

    it('an allowed host name may resolve to internal addresses', async () => {
      const resolve = tableResolver({ 'servers.images.internal': ['127.0.0.1'] });
      const image = await fetchImage(
        `http://servers.images.internal:${servers.images.port}/img.png`,
        {
          resolve,
          allowHosts: 'servers.images.internal',
        },
      );
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
});
