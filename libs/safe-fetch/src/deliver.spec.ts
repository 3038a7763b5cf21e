import { deliver } from './deliver';
import { FetchFailedError, FetchRefusedError, FetchTimeoutError } from './errors';
import {
  verifyWebhookSignature,
  webhookSignatureHeader,
  WEBHOOK_SIGNATURE_HEADER,
} from './signature';
import { startServer, type TestServer } from './test-support/server';

describe('deliver', () => {
  let receiver: TestServer;
  let other: TestServer;
  let allow: string;

  beforeAll(async () => {
    other = await startServer((_req, res) => res.writeHead(204).end());
    receiver = await startServer((req, res) => {
      switch (req.url) {
        case '/ok':
          return res.writeHead(204).end();
        case '/ok-with-body':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(200_000));
        case '/fail':
          return res.writeHead(500).end('boom');
        case '/moved':
          return res.writeHead(302, { location: other.url('/ok') }).end();
        case '/hang':
          return;
        default:
          return res.writeHead(404).end();
      }
    });
    allow = `127.0.0.1:${receiver.port}`;
  });

  afterAll(async () => {
    await receiver.close();
    await other.close();
  });

  beforeEach(() => {
    receiver.requests.length = 0;
    other.requests.length = 0;
  });

  afterEach(() => expect(other.requests).toEqual([]));

  const body = JSON.stringify({
    hook: { target: 'x', id: 1, event: 'image.done' },
    data: { results: [] },
  });

  it('POSTs the body with the given headers and a signature the receiver can verify', async () => {
    const signature = webhookSignatureHeader('s3cret', body);
    const result = await deliver(receiver.url('/ok'), {
      body,
      headers: {
        'Content-Type': 'application/json',
        [WEBHOOK_SIGNATURE_HEADER]: signature,
        Host: 'spoofed.example', // ignored: the connection's headers belong to the library
        'Content-Length': '1',
      },
      allowHosts: allow,
    });
    expect(result).toEqual({ status: 204 });
    expect(receiver.requests).toHaveLength(1);
    const seen = receiver.requests[0];
    expect(seen.method).toBe('POST');
    expect(seen.body.toString()).toBe(body);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen.headers.host).toBe(allow);
    expect(
      verifyWebhookSignature('s3cret', seen.headers['x-platewise-signature'] as string, seen.body),
    ).toBe(true);
  });

  it('sends Buffer bodies as they are and reads past a large answer', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    expect(
      await deliver(receiver.url('/ok-with-body'), { body: bytes, allowHosts: allow }),
    ).toEqual({ status: 200 });
    expect(receiver.requests[0].body.equals(bytes)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1/hook', 'points to a loopback address (127.0.0.1)'],
    ['http://10.0.0.1/hook', 'points to a private address (10.0.0.1)'],
    [
      'http://169.254.169.254/latest/meta-data/',
      'points to a link-local address (169.254.169.254)',
    ],
    ['http://[::1]:8080/hook', 'points to a loopback address (::1)'],
    ['http://localhost/hook', 'host localhost resolves to a loopback address'],
  ])('refuses %s', async (url, what) => {
    const err = await deliver(url, { body }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchRefusedError);
    expect((err as Error).message).toBe(`webhook target ${what}; such destinations are refused`);
  });

  it('refuses the local receiver unless allowed', async () => {
    await expect(deliver(receiver.url('/ok'), { body })).rejects.toBeInstanceOf(FetchRefusedError);
    expect(receiver.requests).toEqual([]);
  });

  it('refuses a name resolving to an internal address, and pins the validated one', async () => {
    const calls: string[] = [];
    const resolve = async (name: string) => {
      calls.push(name);
      return ['127.0.0.1'];
    };
    await expect(
      deliver(`http://hooks.example:${receiver.port}/ok`, { body, resolve }),
    ).rejects.toThrow(
      'webhook target host hooks.example resolves to a loopback address; such destinations are refused',
    );
    expect(
      await deliver(`http://hooks.example:${receiver.port}/ok`, {
        body,
        resolve,
        allowHosts: allow,
      }),
    ).toEqual({
      status: 204,
    });
    expect(receiver.requests[0].headers.host).toBe(`hooks.example:${receiver.port}`);
    expect(calls).toEqual(['hooks.example', 'hooks.example']);
  });

  it('treats an error status as a failure carrying the status', async () => {
    const err = (await deliver(receiver.url('/fail'), { body, allowHosts: allow }).catch(
      (e: unknown) => e,
    )) as FetchFailedError;
    expect(err).toBeInstanceOf(FetchFailedError);
    expect(err.code).toBe('bad_status');
    expect(err.status).toBe(500);
    expect(err.message).toBe('webhook target answered HTTP 500');
  });

  it('does not follow redirects: a 3xx is a failure', async () => {
    const err = (await deliver(receiver.url('/moved'), { body, allowHosts: '127.0.0.1' }).catch(
      (e: unknown) => e,
    )) as FetchFailedError;
    expect(err).toBeInstanceOf(FetchFailedError);
    expect(err.status).toBe(302);
    expect(err.message).toBe('webhook target answered HTTP 302; redirects are not followed');
    // afterEach checks that the redirect target saw nothing.
  });

  it('times out', async () => {
    const started = Date.now();
    const err = await deliver(receiver.url('/hang'), {
      body,
      allowHosts: allow,
      timeoutMs: 250,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchTimeoutError);
    expect((err as Error).message).toBe('webhook target did not answer within 250 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses non-http schemes', async () => {
    await expect(deliver('file:///tmp/x', { body })).rejects.toMatchObject({
      code: 'unsupported_scheme',
    });
  });
});
