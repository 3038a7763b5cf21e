/**
 * The Snapshot API end to end: the built gateway and worker run as separate processes on the
 * real PostgreSQL and Redis, and read real dev photos through HTTP.
 */
import { verifyWebhookSignature } from '../../libs/safe-fetch/src';
import { ENGINE_HOLD_HOOK, holdingImage } from '../support/engine-hold';
import { openRecognitionQueue } from '../support/recognition-queue';
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
  WORKER_LOCK_MS: '5000',
  RECOGNITION_TIMEOUT_MS: '40000',
  WEBHOOK_ATTEMPTS: '3',
  WEBHOOK_BACKOFF_MS: '300',
  WEBHOOK_MAX_FAILURES: '3',
};

// The answers are checked field by field below, so a loose JSON type is enough here.
async function post(
  key: string | null,
  form: FormData | object,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const isForm = form instanceof FormData;
  const res = await fetch(`${base}/v1/plate-reader/`, {
    method: 'POST',
    headers: {
      ...(key ? { Authorization: `Token ${key}` } : {}),
      ...(isForm ? {} : { 'Content-Type': 'application/json' }),
    },
    body: isForm ? form : JSON.stringify(form),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const callsOf = async (key: string) =>
  (
    await (
      await fetch(`${base}/v1/statistics/`, { headers: { Authorization: `Token ${key}` } })
    ).json()
  ).usage.calls;

describe('Snapshot API through the gateway and worker processes', () => {
  let gateway: Running;
  let worker: Running;
  let key: string;

  beforeAll(async () => {
    [gateway, worker] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    cli('plans'); // the CLI and the apps share the database
    key = cli('account', 'create', `snap-${Date.now()}`, '--plan', 'business').apiKey;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  it("runs the seed's examples: two regions and a config, strict region, detection_rule, fast mode", async () => {
    const two = await post(
      key,
      upload(photo(US.path), 'car.jpg', {
        regions: ['mx', 'us-ca'],
        config: '{"region":"strict"}',
      }),
    );
    expect(two.status).toBe(201);
    expect(two.headers.get('access-control-allow-origin')).toBe('*');
    // Operators (and bench:gateway) see where the gateway's share of the latency goes.
    const phases = (two.headers.get('server-timing') ?? '').split(', ').map((p) => p.split(';')[0]);
    expect(phases).toEqual([
      'auth',
      'upload',
      'validate',
      'quota',
      'enqueue',
      'handover',
      'image',
      'worker',
      'engine',
      'app',
    ]);
    expect(two.body).toEqual({
      processing_time: expect.any(Number),
      results: expect.any(Array),
      filename: 'car.jpg',
      version: 1,
      camera_id: null,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const strict = await post(
      key,
      upload(photo(US.path), 'car.jpg', { config: '{"region":"strict"}', region: 'us-ca' }),
    );
    expect(strict.status).toBe(201);
    const rule = await post(
      key,
      upload(photo(BR.path), 'car.jpg', { config: '{"detection_rule":"strict"}' }),
    );
    expect(rule.body.results[0].plate).toBe(BR.plate);
    expect(rule.body.results[0].vehicle.score).toBeGreaterThan(0);
    const fast = await post(
      key,
      upload(photo(BR.path), 'car.jpg', {
        config: '{"mode":"fast", "threshold_d":0.2, "threshold_o":0.6}',
      }),
    );
    expect(fast.body.results[0]).toMatchObject({
      plate: BR.plate,
      box: expect.any(Object),
      dscore: expect.any(Number),
      score: expect.any(Number),
    });
    const vehicles = await post(
      key,
      upload(photo(BR.path), 'car.jpg', {
        config: '{"detection_mode":"vehicle"}',
        camera_id: 'gate-1',
        timestamp: '2019-08-19T13:11:25',
      }),
    );
    expect(vehicles.body).toMatchObject({ camera_id: 'gate-1', timestamp: '2019-08-19T13:11:25Z' });
    expect(vehicles.body.results[0].plate.props.plate[0].value).toBe(BR.plate);
  }, 60_000);

  it('gives the same reading for multipart, base64, data URI and upload_url', async () => {
    const bytes = photo(BR.path);
    const images = await localServer(() => [200, { 'Content-Type': 'image/jpeg' }, bytes]);
    try {
      const multipart = await post(key, upload(bytes, 'AYO9034.jpg', { regions: 'br' }));
      const b64 = await post(key, { upload: bytes.toString('base64'), regions: ['br'] });
      const form = new FormData();
      form.append('upload', `data:image/jpeg;base64,${bytes.toString('base64')}`);
      form.append('regions', 'br');
      const asDataUri = await post(key, form);
      const fromUrl = await post(key, {
        upload_url: `${images.url}/photos/AYO9034.jpg`,
        regions: 'br',
      });
      for (const r of [multipart, b64, asDataUri, fromUrl]) {
        expect(r.status).toBe(201);
        expect(r.body.results[0].plate).toBe(BR.plate);
        expect(r.body.results[0].box).toEqual(multipart.body.results[0].box);
      }
      expect(fromUrl.body.filename).toBe('AYO9034.jpg');
    } finally {
      await images.close();
    }
  }, 60_000);

  it('answers bad input with clear JSON errors and never counts it', async () => {
    const trialKey = cli('account', 'create', `trial-${Date.now()}`, '--plan', 'trial').apiKey;
    const before = await callsOf(key);
    const cases: [FormData | object, number, RegExp][] = [
      [upload(photo(BR.path), 'a.jpg', { config: '{"mode":"turbo"}' }), 400, /mode/],
      [upload(photo(BR.path), 'a.jpg', { config: 'not json' }), 400, /JSON/],
      [upload(photo(BR.path), 'a.jpg', { timestamp: 'yesterday' }), 400, /timestamp/],
      [upload(Buffer.from('%PDF-1.4 not an image'), 'a.pdf'), 415, /Unsupported image/],
      [
        upload(Buffer.concat([photo(BR.path).subarray(0, 400), Buffer.alloc(400)]), 'cut.jpg'),
        400,
        /./,
      ],
      [upload(Buffer.alloc(4 * 1048576, 0xff), 'big.jpg'), 413, /too large/],
      [{ upload: 'not base64 !!' }, 400, /base64/],
      [{}, 400, /upload is required/],
      [{ upload_url: 'ftp://example.com/a.jpg' }, 400, /upload_url/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(key, body);
      expect({ status: res.status, detail: res.body.detail }).toEqual({
        status,
        detail: expect.stringMatching(message),
      });
    }
    const big = await post(key, upload(Buffer.alloc(4 * 1048576, 0xff), 'big.jpg'));
    expect(big.body.error).toMatch(/maximum upload size is 3 MB/);
    expect(await callsOf(key)).toBe(before);
    const mmc = await post(trialKey, upload(photo(BR.path), 'a.jpg', { mmc: 'true' }));
    expect(mmc.status).toBe(403);
    expect(mmc.body.detail).toMatch(/mmc/);
    expect((await post('0'.repeat(40), upload(photo(BR.path), 'a.jpg'))).status).toBe(403);
  }, 60_000);

  it('refuses upload_url and webhook targets that point inside (SSRF)', async () => {
    const images = await localServer((req) =>
      req.url === '/to-loopback'
        ? [302, { Location: `http://127.0.0.1:${port}/info/` }, '']
        : [302, { Location: 'http://169.254.169.254/latest/meta-data' }, ''],
    );
    try {
      const targets = [
        'http://127.0.0.1/a.jpg',
        'http://10.0.0.1/a.jpg',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/a.jpg',
        'http://localhost/a.jpg',
        `${images.url}/to-loopback`,
        `${images.url}/to-metadata`,
      ];
      for (const url of targets) {
        const res = await post(key, { upload_url: url });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.detail).toMatch(/refused/);
        const hook = await fetch(`${base}/v1/webhooks/`, {
          method: 'POST',
          headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ target: url }),
        });
        if (!url.startsWith(images.url))
          expect({ url, status: hook.status }).toEqual({ url, status: 400 });
      }
    } finally {
      await images.close();
    }
  });

  it('delivers signed webhooks (JSON and multipart), retries failures with growing delays, then removes the hook', async () => {
    const account = cli('account', 'create', `hooks-${Date.now()}`, '--plan', 'business');
    const hookKey = account.apiKey;
    const good = await localServer(() => [200, {}, 'ok']);
    const bad = await localServer(() => [500, {}, 'broken']);
    const addHook = async (target: string, include_image: boolean) => {
      const res = await fetch(`${base}/v1/webhooks/`, {
        method: 'POST',
        headers: { Authorization: `Token ${hookKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ target, include_image }),
      });
      expect(res.status).toBe(201);
      return res.json();
    };
    try {
      const json = await addHook(`${good.url}/json`, false);
      const multi = await addHook(`${good.url}/multi`, true);
      const failing = await addHook(`${bad.url}/fail`, false);
      const res = await post(hookKey, upload(photo(BR.path), 'AYO9034.jpg'));
      expect(res.status).toBe(201);

      await waitFor(() => good.received.length >= 2 && bad.received.length >= 3, 20_000);
      const jsonHit = good.received.find((r) => r.headers['content-type'] === 'application/json')!;
      expect(
        verifyWebhookSignature(
          json.secret,
          jsonHit.headers['x-platewise-signature'] as string,
          jsonHit.body,
        ),
      ).toBe(true);
      expect(JSON.parse(jsonHit.body.toString())).toEqual({
        hook: { target: `${good.url}/json`, id: json.id, event: 'image.done' },
        data: res.body,
      });
      const multiHit = good.received.find((r) =>
        String(r.headers['content-type']).startsWith('multipart/form-data'),
      )!;
      expect(
        verifyWebhookSignature(
          multi.secret,
          multiHit.headers['x-platewise-signature'] as string,
          multiHit.body,
        ),
      ).toBe(true);
      const parsed = await new Response(multiHit.body, {
        headers: { 'content-type': String(multiHit.headers['content-type']) },
      }).formData();
      expect(JSON.parse(String(parsed.get('json'))).data.results[0].plate).toBe(BR.plate);
      expect(
        Buffer.from(await (parsed.get('upload') as Blob).arrayBuffer()).equals(photo(BR.path)),
      ).toBe(true);

      // three attempts, each at least the exponential backoff after the last (300 ms, then
      // 600 ms; a loaded machine only adds to a gap), then the hook is gone
      const gaps = bad.received.slice(1).map((r, i) => r.at - bad.received[i].at);
      expect(gaps[0]).toBeGreaterThanOrEqual(300 - 25);
      expect(gaps[1]).toBeGreaterThanOrEqual(600 - 25);
      await waitFor(async () => {
        const list = await (
          await fetch(`${base}/v1/webhooks/`, { headers: { Authorization: `Token ${hookKey}` } })
        ).json();
        return !list.some((h: { id: number }) => h.id === failing.id);
      }, 10_000);
      const notes = await (
        await fetch(`${base}/admin/notifications?accountId=${account.account.id}`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json();
      expect(notes[0]).toMatchObject({
        kind: 'webhook.removed',
        message: expect.stringContaining(`Webhook ${failing.id}`),
      });
      const log = await (
        await fetch(`${base}/v1/webhooks/${json.id}/deliveries`, {
          headers: { Authorization: `Token ${hookKey}` },
        })
      ).json();
      expect(log[0]).toMatchObject({ event: 'image.done', ok: true, status: 200 });
      const info = await (
        await fetch(`${base}/info/`, { headers: { Authorization: `Token ${hookKey}` } })
      ).json();
      expect(info.webhooks.map((h: { id: number }) => h.id)).toEqual([json.id, multi.id]);
    } finally {
      await Promise.all([good.close(), bad.close()]);
    }
  }, 60_000);

  it('lets a worker finish its active job on SIGTERM before it exits', async () => {
    const queue = openRecognitionQueue();
    try {
      const call = post(key, upload(photo(BR.path), 'car.jpg'));
      await waitFor(async () => (await queue.activeCount()) > 0, 20_000, 5);
      const exited = new Promise<number>((resolve) =>
        worker.child.once('exit', () => resolve(Date.now())),
      );
      worker.child.kill('SIGTERM');
      const res = await call;
      const answeredAt = Date.now();
      worker = await startApp('worker', env, WORKER_READY);
      expect(res.status).toBe(201);
      expect(res.body.results[0].plate).toBe(BR.plate);
      // the job was finished by the stopping worker itself: no replacement existed before it exited
      expect(await exited).toBeLessThanOrEqual(answeredAt + 1000);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('completes a call through another worker when the first is killed mid-job, counting it once', async () => {
    const account = cli('account', 'create', `kill-${Date.now()}`, '--plan', 'business');
    const queue = openRecognitionQueue();
    try {
      // The first worker holds the job (engine-hold-hook) until the other is up and it is
      // killed: with no worker running the gateway answers 503 at once
      // (service-unavailable.e2e-spec), which a replacement started after the kill raced on a
      // loaded machine.
      await worker.stop();
      const first = await startApp(
        'worker',
        { ...env, NODE_OPTIONS: `--require ${ENGINE_HOLD_HOOK}` },
        WORKER_READY,
      );
      const call = post(account.apiKey, upload(holdingImage(photo(US.path), 30), 'car.jpg'));
      await waitFor(async () => (await queue.activeCount()) > 0, 20_000, 5);
      worker = await startApp('worker', env, WORKER_READY);
      await first.stop('SIGKILL');
      const res = await call;
      expect(res.status).toBe(201);
      expect(await callsOf(account.apiKey)).toBe(1);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
