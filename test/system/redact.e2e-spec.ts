/**
 * POST /v1/redact/ end to end: the built gateway and worker as separate processes on the real
 * PostgreSQL and Redis, dev photos through HTTP; the plate reader itself checks the output.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { verifyWebhookSignature } from '../../libs/safe-fetch/src';
import { pngBomb } from '../fixtures/bombs';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import {
  ADMIN_TOKEN,
  ALLOWED_HOST,
  BR,
  cli,
  localServer,
  photo,
  upload,
  US,
  waitFor,
} from './snapshot-support';

const port = testPort();
const base = `http://127.0.0.1:${port}`;
const env = {
  PORT: String(port),
  ADMIN_TOKEN,
  LOG_LEVEL: 'log',
  FETCH_ALLOW_HOSTS: ALLOWED_HOST,
  RECOGNITION_TIMEOUT_MS: '40000',
  WEBHOOK_ATTEMPTS: '2',
  WEBHOOK_BACKOFF_MS: '300',
};

const auth = (key: string) => ({ Authorization: `Token ${key}` });

async function redact(key: string, form: FormData | object, accept?: string) {
  const isForm = form instanceof FormData;
  const res = await fetch(`${base}/v1/redact/`, {
    method: 'POST',
    headers: {
      ...auth(key),
      ...(isForm ? {} : { 'Content-Type': 'application/json' }),
      ...(accept ? { Accept: accept } : {}),
    },
    body: isForm ? form : JSON.stringify(form),
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function read(key: string, image: Buffer) {
  const res = await fetch(`${base}/v1/plate-reader/`, {
    method: 'POST',
    headers: auth(key),
    body: upload(image, 'redacted.jpg'),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { results: { plate: string }[] };
}

const getJson = async (key: string, path: string) =>
  (await fetch(`${base}${path}`, { headers: auth(key) })).json();

describe('POST /v1/redact/ through the gateway and worker processes', () => {
  let gateway: Running;
  let worker: Running;
  let key: string;
  let trialKey: string;

  beforeAll(async () => {
    [gateway, worker] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    key = cli('account', 'create', `redact-${Date.now()}`, '--plan', 'business').apiKey;
    trialKey = cli('account', 'create', `redact-trial-${Date.now()}`, '--plan', 'trial').apiKey;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  it('answers the photo, same size, as JPEG with its plate hidden; counted as redact', async () => {
    const original = photo(BR.path);
    const { res, bytes } = await redact(key, upload(original, 'AYO9034.jpg'));
    expect([res.status, res.status === 200 ? '' : bytes.toString()]).toEqual([200, '']);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const [a, b] = await Promise.all([sharp(original).metadata(), sharp(bytes).metadata()]);
    expect([b.format, b.width, b.height]).toEqual(['jpeg', a.width, a.height]);
    // The plate reader, through the API, reads nothing in it (it reads the original).
    expect((await read(key, bytes)).results).toEqual([]);
    expect((await read(key, original)).results.map((r) => r.plate)).toContain(BR.plate);

    // Plate Recognizer's statistics: every call against total_calls; per type on /v2/quota/*.
    const stats = await getJson(key, '/v1/statistics/');
    expect(stats.usage.calls).toBe(3);
    const daily = await getJson(key, '/v2/quota/daily');
    expect(daily.quota.redact.count).toBe(1);
    expect(daily.quota.plate_reader.count).toBe(2);
    expect(daily.quota.redact.remaining).toBe(daily.quota.plate_reader.remaining);
    const history = await getJson(key, '/v2/quota/history');
    expect(history[0].quota.redact).toEqual({ count: 1 });
  });

  it('answers JSON with the image in base64 and what was hidden, for Accept: application/json', async () => {
    const png = await sharp(photo(US.path)).png().toBuffer();
    const { res, bytes } = await redact(
      key,
      { upload: png.toString('base64'), camera_id: 'gate-3', hide: 'plates', method: 'pixelate' },
      'application/json',
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(bytes.toString());
    expect(body).toMatchObject({
      camera_id: 'gate-3',
      filename: null,
      content_type: 'image/png',
      faces: [],
    });
    expect(body.plates.length).toBeGreaterThan(0);
    for (const p of body.plates) {
      expect(p.score).toBeGreaterThan(0);
      expect(p.box.xmax).toBeGreaterThan(p.box.xmin);
    }
    const image = Buffer.from(body.image, 'base64');
    expect((await sharp(image).metadata()).format).toBe('png');
    expect((await read(key, image)).results).toEqual([]);
  });

  it('refuses a plan without redaction with 403, and counts nothing', async () => {
    const { res, bytes } = await redact(trialKey, upload(photo(BR.path), 'a.jpg'));
    expect(res.status).toBe(403);
    expect(JSON.parse(bytes.toString()).detail).toBe('Redaction is not included in your plan.');
    expect((await getJson(trialKey, '/v1/statistics/')).usage.calls).toBe(0);
    // no contract at all: told so, as the plate reader tells it, not that the plan lacks it
    const none = cli('account', 'create', `redact-none-${Date.now()}`).apiKey;
    const refused = await redact(none, upload(photo(BR.path), 'a.jpg'));
    expect(refused.res.status).toBe(403);
    expect(JSON.parse(refused.bytes.toString()).detail).toMatch(/has no contract/);
  });

  it('names the config keys it ignored in X-Platewise-Ignored-Config, as the plate reader does', async () => {
    const config = '{"foo":1,"mode":"fast"}';
    const image = await redact(key, upload(photo(BR.path), 'a.jpg', { config }));
    expect(image.res.status).toBe(200);
    expect(image.res.headers.get('x-platewise-ignored-config')).toBe('foo');
    const json = await redact(
      key,
      { upload: photo(BR.path).toString('base64'), config: { mode: 'fast', bar: true, foo: 1 } },
      'application/json',
    );
    expect(json.res.status).toBe(200);
    expect(json.res.headers.get('x-platewise-ignored-config')).toBe('bar, foo');
    const known = await redact(key, upload(photo(BR.path), 'a.jpg', { config: '{"mode":"fast"}' }));
    expect(known.res.status).toBe(200);
    expect(known.res.headers.has('x-platewise-ignored-config')).toBe(false);
  });

  it("applies the plate reader's bad-input rules, with clear JSON errors", async () => {
    const bad = async (form: FormData | object, status: number, detail: RegExp) => {
      const { res, bytes } = await redact(key, form);
      expect(res.status).toBe(status);
      expect(JSON.parse(bytes.toString()).detail).toMatch(detail);
    };
    const counted = async () => (await getJson(key, '/v2/quota/daily')).quota.redact.count;
    const before = await counted();
    await bad(upload(photo(BR.path), 'a.jpg', { hide: 'cars' }), 400, /hide must list/);
    await bad(upload(photo(BR.path), 'a.jpg', { strength: '99' }), 400, /strength/);
    await bad({}, 400, /upload is required/);
    await bad(upload(Buffer.from('not an image'), 'a.txt'), 415, /Unsupported image type/);
    // SSRF: an address inside is refused, never fetched.
    await bad({ upload_url: 'http://127.0.0.1:6379/' }, 400, /./);
    await bad(upload(Buffer.alloc(4 * 1048576, 1), 'big.jpg'), 413, /too large/);
    // A decompression bomb: a small file declaring 256 MP, refused from its header.
    await bad(upload(pngBomb(), 'bomb.png'), 413, /too large/);
    // None of them counted.
    expect(await counted()).toBe(before);
    const noKey = await fetch(`${base}/v1/redact/`, { method: 'POST' });
    expect(noKey.status).toBe(403); // as the plate reader (Plate Recognizer answers 403)
  });

  it('sends webhooks the JSON form (event image.redacted), signed, never the original', async () => {
    const account = cli('account', 'create', `redact-hooks-${Date.now()}`, '--plan', 'business');
    const hooks = await localServer(() => [200, {}, 'ok']);
    try {
      const res = await fetch(`${base}/v1/webhooks/`, {
        method: 'POST',
        headers: { ...auth(account.apiKey), 'Content-Type': 'application/json' },
        body: JSON.stringify({ target: `${hooks.url}/hook`, include_image: true }),
      });
      expect(res.status).toBe(201);
      const hook = await res.json();
      const { res: answer, bytes } = await redact(
        account.apiKey,
        upload(photo(BR.path), 'AYO9034.jpg'),
        'application/json',
      );
      expect(answer.status).toBe(200);
      await waitFor(() => hooks.received.length >= 1, 20_000);
      const hit = hooks.received[0];
      expect(hit.headers['content-type']).toBe('application/json');
      expect(
        verifyWebhookSignature(
          hook.secret,
          hit.headers['x-platewise-signature'] as string,
          hit.body,
        ),
      ).toBe(true);
      expect(JSON.parse(hit.body.toString())).toEqual({
        hook: { target: `${hooks.url}/hook`, id: hook.id, event: 'image.redacted' },
        data: JSON.parse(bytes.toString()),
      });
    } finally {
      await hooks.close();
    }
  });

  it('platewise redact <files|dirs> --out DIR: every image redacted under its own name, a log, progress', async () => {
    const input = mkdtempSync(join(tmpdir(), 'pw-redact-in-'));
    const out = mkdtempSync(join(tmpdir(), 'pw-redact-out-'));
    mkdirSync(join(input, 'sub'));
    copyFileSync(join(__dirname, '../../../shared/alpr-dev', BR.path), join(input, 'a.jpeg'));
    writeFileSync(join(input, 'sub', 'b.png'), await sharp(photo(US.path)).png().toBuffer());
    writeFileSync(join(input, 'broken.jpg'), 'not an image');
    const single = join(__dirname, '../../../shared/alpr-dev', 'images/eu/test_002.jpg');
    const cliMain = join(__dirname, '../../apps/cli/dist/main.js');
    const run = promisify(execFile);
    const failed = await run(process.execPath, [cliMain, 'redact', input, single, '--out', out], {
      env: process.env,
    }).catch((error: { code: number; stderr: string }) => error);
    // One bad file: the run goes on, and says so in its exit code.
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/4\/4 100%.*\n3 redacted, 1 failed/s);
    const log = readFileSync(join(out, 'redactions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l) => [l.image, l.error ? 'error' : l.content_type])).toEqual([
      ['a.jpeg', 'image/jpeg'],
      ['broken.jpg', 'error'],
      ['sub/b.png', 'image/png'],
      ['test_002.jpg', 'image/jpeg'],
    ]);
    for (const name of ['a.jpeg', 'sub/b.png', 'test_002.jpg']) {
      const bytes = readFileSync(join(out, name));
      expect((await read(key, bytes)).results).toEqual([]);
    }
  }, 120_000);
});
