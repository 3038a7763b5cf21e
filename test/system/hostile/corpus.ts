/**
 * Bad requests a hostile or careless client sends to the recognition route and its neighbours.
 * Each entry is one request and the 4xx it must get; none of them may be counted.
 * The config and field cases live in corpus-fields.ts; corpus() keeps them in their place in
 * the list, so the cases run in the same order.
 */
import { pngBomb } from '../../fixtures/bombs';
import { RawRequest } from './raw-http';
import { fieldCases } from './corpus-fields';

export interface BadRequest {
  name: string;
  request: RawRequest;
  /** the one status it must get */
  status: number;
  /** what the error message must say, when it matters */
  says?: RegExp;
}

const BOUNDARY = 'hostile-boundary-7d1a';

/** A multipart body built by hand, so it can repeat fields, misname them or break the syntax. */
export function multipart(
  parts: { name: string; value: Buffer | string; filename?: string }[],
  boundary = BOUNDARY,
): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`),
      Buffer.from(p.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const PATH = '/v1/plate-reader/';
const bytes = (...xs: (number | string)[]) =>
  Buffer.concat(
    xs.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))),
  );
const noise = (n: number, seed = 7) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 17) % 251));

/** The request builders the cases share, for one key and one photo. */
export function requestKit(key: string, photo: Buffer) {
  const auth = { Authorization: `Token ${key}` };
  const form = (
    parts: Parameters<typeof multipart>[0],
    extra: Record<string, string> = {},
  ): RawRequest => ({
    path: PATH,
    headers: { ...auth, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, ...extra },
    body: multipart(parts),
  });
  const file = (value: Buffer, more: Parameters<typeof multipart>[0] = []) =>
    form([{ name: 'upload', value, filename: 'car.jpg' }, ...more]);
  const withPhoto = (...fields: [string, string][]) =>
    file(
      photo,
      fields.map(([name, value]) => ({ name, value })),
    );
  const json = (body: unknown, headers: Record<string, string> = auth): RawRequest => ({
    path: PATH,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const config = (value: string) => withPhoto(['config', value]);
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const big = 'A'.repeat(16 * 1048576);
  const b64 = photo.toString('base64');
  return { auth, form, file, withPhoto, json, config, deep, big, b64 };
}

export type RequestKit = ReturnType<typeof requestKit>;

export function corpus(key: string, photo: Buffer): BadRequest[] {
  const kit = requestKit(key, photo);
  const { auth, form, file, json, deep, big, b64 } = kit;

  const list: BadRequest[] = [
    // Without a (valid) key: refused before the body is read, however big or deep it is.
    { name: 'deep JSON (4M levels), no key', request: json(deep(4_000_000), {}), status: 403 },
    { name: '16 MB JSON, no key', request: json(`{"upload":"${big}"}`, {}), status: 403 },
    {
      name: 'deep JSON, wrong key',
      request: json(deep(1_000_000), { Authorization: `Token ${'0'.repeat(40)}` }),
      status: 403,
    },
    {
      name: '4 MB multipart, no key',
      request: {
        ...file(noise(4 * 1048576)),
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      },
      status: 403,
    },
    {
      name: '16 MB urlencoded, no key',
      request: {
        path: PATH,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `upload=${big}`,
      },
      status: 403,
    },
    {
      name: 'empty api-key parameter',
      request: {
        ...file(photo),
        path: `${PATH}?api-key=`,
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      },
      status: 403,
    },
    {
      name: 'key of 41 characters',
      request: {
        ...file(photo),
        headers: { ...file(photo).headers, Authorization: `Token ${'a'.repeat(41)}` },
      },
      status: 403,
    },
    {
      name: 'Bearer instead of Token',
      request: {
        ...file(photo),
        headers: { ...file(photo).headers, Authorization: 'Bearer nothing' },
      },
      status: 403,
    },
    // Malformed images and bombs.
    { name: 'empty file', request: file(Buffer.alloc(0)), status: 400 },
    { name: 'random bytes', request: file(noise(1024)), status: 415 },
    { name: 'text file', request: file(Buffer.from('hello, this is not a photo')), status: 415 },
    { name: 'BMP', request: file(bytes('BM', 0, 0, 0, 0, 0, 0)), status: 415 },
    { name: 'PDF', request: file(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj')), status: 415 },
    {
      name: 'SVG',
      request: file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
      status: 415,
    },
    {
      name: 'JPEG magic then noise',
      request: file(Buffer.concat([bytes(0xff, 0xd8, 0xff, 0xe0), noise(4096)])),
      status: 400,
    },
    {
      name: 'PNG signature then noise',
      request: file(Buffer.concat([bytes('\x89PNG\r\n\x1a\n'), noise(512)])),
      status: 400,
    },
    {
      name: 'PNG bomb 16000×16000 (31 KB)',
      request: file(pngBomb(16000, 16000)),
      status: 413,
      says: /16000×16000 pixels/,
    },
    {
      // refused as too large from its header, before anything is decoded (past sharp's own limit)
      name: 'PNG declaring 60000×60000, cut short',
      request: file(pngBomb(60000, 60000).subarray(0, 64)),
      status: 413,
      says: /60000×60000 pixels/,
    },
    { name: 'PNG of 0×0', request: file(pngBomb(0, 0)), status: 400 },
    {
      name: 'GIF header then noise',
      request: file(Buffer.concat([bytes('GIF89a'), noise(256)])),
      status: 400,
    },
    {
      name: 'WebP header then noise',
      request: file(Buffer.concat([bytes('RIFF', 0, 1, 0, 0, 'WEBPVP8 '), noise(256)])),
      status: 400,
    },
    {
      name: 'TIFF header then noise',
      request: file(Buffer.concat([bytes('II*', 0), noise(256)])),
      status: 415,
    },
    {
      name: '4 MB file on a 3 MB plan',
      request: file(Buffer.concat([photo, noise(4 * 1048576)])),
      status: 413,
    },
    {
      name: 'two files',
      request: form([
        { name: 'upload', value: photo, filename: 'a.jpg' },
        { name: 'upload', value: photo, filename: 'b.jpg' },
      ]),
      status: 400,
    },
    {
      name: 'file in another field',
      request: form([{ name: 'image', value: photo, filename: 'a.jpg' }]),
      status: 400,
    },
    // Bad base64.
    {
      name: 'upload not base64',
      request: form([{ name: 'upload', value: 'not base64!' }]),
      status: 400,
    },
    {
      name: 'data URI with bad payload',
      request: form([{ name: 'upload', value: 'data:image/png;base64,@@@@' }]),
      status: 400,
    },
    {
      name: 'base64 of text',
      request: json({ upload: Buffer.from('hello world').toString('base64') }),
      status: 415,
    },
    { name: 'empty base64', request: json({ upload: '' }), status: 400 },
    { name: 'upload a number', request: json({ upload: 12 }), status: 400 },
    { name: 'upload a list', request: json({ upload: ['a'] }), status: 400 },
    { name: 'upload an object', request: json({ upload: {} }), status: 400 },
    {
      name: 'base64 over the plan size',
      request: json({ upload: b64 + 'A'.repeat(4 * 1048576) }),
      status: 413,
    },
    ...fieldCases(kit),
    // Bodies.
    { name: 'JSON list body', request: json([1, 2, 3]), status: 400 },
    { name: 'JSON cut short', request: json('{"upload":'), status: 400 },
    { name: '16 MB JSON with a key', request: json(`{"upload":"${big}"}`), status: 413 },
    { name: 'deep JSON with a key', request: json(deep(1_000_000)), status: 400 },
    {
      name: 'multipart with the wrong boundary',
      request: {
        ...file(photo),
        headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=other' },
      },
      status: 400,
    },
    {
      name: 'multipart without a boundary',
      request: { ...file(photo), headers: { ...auth, 'Content-Type': 'multipart/form-data' } },
      status: 400,
    },
    {
      name: 'text/plain body',
      request: { path: PATH, headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'upload=x' },
      status: 415,
    },
    {
      name: 'prototype keys in JSON',
      request: json('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'),
      status: 400,
    },
    {
      name: 'constructor keys inside config and a field (class-transformer walks objects)',
      request: json('{"config":{"a":{"constructor":{}}},"camera_id":{"constructor":{}}}'),
      status: 400,
    },
    { name: 'upload null (JSON)', request: json('{"upload":null}'), status: 400 },
    // Odd methods.
    ...['GET', 'PUT', 'DELETE', 'PATCH'].map((method) => ({
      name: `${method} on the recognition route`,
      request: { method, path: PATH, headers: auth },
      status: 405,
    })),
    ...['GET', 'DELETE'].map((method) => ({
      name: `${method} on the redaction route`,
      request: { method, path: '/v1/redact/', headers: auth },
      status: 405,
      says: /^Only POST is allowed on \/v1\/redact\/\.$/,
    })),
    // Webhook ids beyond a 32-bit integer, or not numbers.
    {
      name: 'DELETE a webhook id above 2^31',
      request: { method: 'DELETE', path: '/v1/webhooks/99999999999', headers: auth },
      status: 404,
    },
    {
      name: 'deliveries of a webhook id above 2^31',
      request: { method: 'GET', path: '/v1/webhooks/99999999999/deliveries', headers: auth },
      status: 404,
    },
    {
      name: 'DELETE a webhook id that is no number',
      request: { method: 'DELETE', path: '/v1/webhooks/abc', headers: auth },
      status: 400,
    },
    {
      name: 'webhook target that is no URL',
      request: {
        path: '/v1/webhooks/',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: '{"target":"not a url"}',
      },
      status: 400,
    },
  ];
  return list;
}

/** Bodies that never end: the gateway must give up on them, answer, and hold no quota slot. */
export function neverEnding(key: string, photo: Buffer): BadRequest[] {
  const head = multipart([{ name: 'upload', value: photo, filename: 'car.jpg' }]).subarray(0, 2048);
  const headers = {
    Authorization: `Token ${key}`,
    'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
  };
  return [
    {
      name: 'multipart body shorter than its Content-Length',
      request: {
        path: PATH,
        headers: { ...headers, 'Content-Length': '1000000' },
        body: head,
        neverEnd: true,
      },
      status: 408,
    },
    {
      name: 'chunked body that never ends',
      request: {
        path: PATH,
        headers: { ...headers, 'Transfer-Encoding': 'chunked' },
        body: head,
        neverEnd: true,
      },
      status: 408,
    },
    {
      name: 'JSON body that never ends',
      request: {
        path: PATH,
        headers: {
          Authorization: `Token ${key}`,
          'Content-Type': 'application/json',
          'Content-Length': '5000',
        },
        body: '{"upload":"',
        neverEnd: true,
      },
      status: 408,
    },
  ];
}
