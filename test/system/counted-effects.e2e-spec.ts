/**
 * What a call delivers beyond its answer — webhook deliveries, its read in the history, watchlist
 * matches — comes only with a counted call: the built gateway and worker, a webhook receiver on
 * loopback, real photos. A caller that hangs up once the worker has its job is neither billed
 * nor delivered anything; a call answered 201 gets all of it.
 */
import { request } from 'node:http';
import { loadConfig } from '../../libs/infra/src';
import { testPlan } from '../../libs/domain/src/test-support/test-plan';
import { openRecognitionQueue } from '../support/recognition-queue';
import { GATEWAY_READY, Running, startTogether, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import {
  ADMIN_TOKEN,
  ALLOWED_HOST,
  BR,
  localServer,
  photo,
  upload,
  waitFor,
} from './snapshot-support';

const port = testPort();
const base = `http://127.0.0.1:${port}`;

describe('webhooks, read history and watchlist matches only for counted calls', () => {
  // A queue of its own: the job this suite watches must be taken by its own worker.
  const prefix = `${loadConfig().REDIS_PREFIX}counted-effects:`;
  const queue = openRecognitionQueue(prefix);
  let apps: Running[] = [];
  let hooks: Awaited<ReturnType<typeof localServer>>;
  let key: string;

  const asOwner = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
    });
  /** Each delivery's event, and what tells its call apart: the filename, or a match's camera. */
  const events = () =>
    hooks.received.map((r) => {
      const { hook, data } = JSON.parse(r.body.toString()) as {
        hook: { event: string };
        data: { filename?: string; read?: { camera_id: string } };
      };
      return [hook.event, data.filename ?? data.read?.camera_id];
    });
  const stored = async () =>
    (
      (await (await asOwner(`/v1/reads/?plate=${BR.plate}`)).json()) as {
        results: { camera_id: string | null }[];
      }
    ).results;
  const counted = async () =>
    (await (await asOwner('/v2/quota/daily')).json()).quota as Record<string, { count: number }>;

  /**
   * Sends the whole call, then hangs up as soon as a worker has taken its job: the job runs to
   * its answer, which finds the caller gone. Fails if the answer came first (nothing was tested).
   */
  async function hangUpWhileRead(path: string, form: FormData) {
    const body = new Request(base, { method: 'POST', body: form });
    const bytes = Buffer.from(await body.arrayBuffer());
    let answered = false;
    const req = request(`${base}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Token ${key}`,
        'Content-Type': body.headers.get('content-type')!,
        'Content-Length': bytes.length,
      },
    });
    req.on('response', () => (answered = true));
    req.on('error', () => undefined);
    req.end(bytes);
    await waitFor(async () => (await queue.activeCount()) > 0, 10_000, 1);
    req.destroy();
    // The worker reads it through and answers a gateway whose caller left.
    await waitFor(async () => (await queue.activeCount()) === 0, 20_000);
    expect(answered).toBe(false);
  }

  beforeAll(async () => {
    hooks = await localServer(() => [200, {}, 'ok']);
    const env = {
      PORT: String(port),
      ADMIN_TOKEN,
      REDIS_PREFIX: prefix,
      FETCH_ALLOW_HOSTS: ALLOWED_HOST,
      WEBHOOK_BACKOFF_MS: '300',
    };
    apps = await startTogether([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${base}/admin${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const plan = `counted-${Date.now().toString(36)}`;
    expect(
      (await admin('PUT', '/plans', testPlan({ name: plan, redactIncluded: true }))).status,
    ).toBe(200);
    const created = await admin('POST', '/accounts', {
      username: `counted-${Date.now().toString(36)}`,
      plan,
      readRetentionDays: 30,
    });
    expect(created.status).toBe(201);
    key = ((await created.json()) as { apiKey: string }).apiKey;
    const hook = await asOwner('/v1/webhooks/', {
      method: 'POST',
      body: JSON.stringify({ target: `${hooks.url}/in` }),
    });
    expect(hook.status).toBe(201);
    const watched = await asOwner('/v1/watchlists/', {
      method: 'POST',
      body: JSON.stringify({ plate: BR.plate, match: 'exact' }),
    });
    expect(watched.status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await queue.obliterate().catch(() => undefined);
    await queue.close();
    await hooks?.close();
  });

  it('a caller gone before its answer gets no delivery and no stored read; a served call gets both', async () => {
    const image = photo(BR.path);
    await hangUpWhileRead('/v1/plate-reader/', upload(image, 'gone.jpg', { camera_id: 'gone' }));
    await hangUpWhileRead('/v1/redact/', upload(image, 'gone-redacted.jpg'));
    expect(await counted()).toMatchObject({ plate_reader: { count: 0 }, redact: { count: 0 } });

    const served = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}` },
      body: upload(image, 'served.jpg', { camera_id: 'served', regions: 'br' }),
    });
    expect(served.status).toBe(201);
    await waitFor(
      () =>
        events().some(([event]) => event === 'image.done') &&
        events().some(([event]) => event === 'watchlist.match'),
      20_000,
    );
    await waitFor(async () => (await stored()).length > 0, 10_000);
    // Time for a stray delivery of the calls before it (queued first, they would be here by now).
    await new Promise((r) => setTimeout(r, 1500));

    expect(events()).toEqual(
      expect.arrayContaining([
        ['image.done', 'served.jpg'],
        ['watchlist.match', 'served'],
      ]),
    );
    expect(events()).toHaveLength(2);
    expect((await stored()).map((r) => r.camera_id)).toEqual(['served']);
    expect(await counted()).toMatchObject({ plate_reader: { count: 1 }, redact: { count: 0 } });
  }, 120_000);

  it('a call answered just before the gateway stops still gets its read and its match delivered', async () => {
    hooks.received.length = 0;
    const served = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}` },
      body: upload(photo(BR.path), 'last.jpg', { camera_id: 'last', regions: 'br' }),
    });
    expect(served.status).toBe(201);
    // Within the read recorder's batch delay: the read and its match go out while it shuts down,
    // through the webhook queue client it shares with the calls, which must still be open.
    await apps[0].stop();
    expect(apps[0].output()).not.toMatch(/reads not stored|Connection is closed/);
    await waitFor(() => events().length === 2, 20_000);
    expect(events()).toEqual(
      expect.arrayContaining([
        ['image.done', 'last.jpg'],
        ['watchlist.match', 'last'],
      ]),
    );
  }, 60_000);
});
