import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RecognitionRefusedError } from './errors';
import { loadImage } from './load-image';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

describe('loadImage from upload_url', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/empty.jpg')
        return res.writeHead(200, { 'content-type': 'image/jpeg' }).end();
      if (req.url === '/untyped.jpg') {
        res.removeHeader('content-type');
        return res.writeHead(200).end(JPEG);
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not an image');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const load = (path: string) =>
    loadImage({ url: base + path }, { maxBytes: 1024, timeoutMs: 2000, allowHosts: '127.0.0.1' });

  it('reads an image sent with no content type, by its bytes', async () => {
    expect(await load('/untyped.jpg')).toEqual({ bytes: JPEG, filename: 'untyped.jpg' });
  });

  it('refuses an empty body as an empty upload is refused, and bytes that are no image', async () => {
    await expect(load('/empty.jpg')).rejects.toMatchObject({
      reason: 'invalid_request',
      message: 'upload_url answered with an empty body',
    });
    const text = await load('/text.jpg').catch((e: unknown) => e);
    expect(text).toBeInstanceOf(RecognitionRefusedError);
    expect(text).toMatchObject({ reason: 'unsupported_image' });
  });
});
