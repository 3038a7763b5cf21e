/**
 * On-premise mode end to end: the built gateway and worker answer the SDK's examples without a
 * token, count against the licence key's account and report usage.
 */
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { ADMIN_TOKEN, BR, cli, photo, upload } from './snapshot-support';

describe('on-premise mode', () => {
  let gateway: Running;
  let worker: Running;
  const onpremPort = testPort();
  const local = `http://127.0.0.1:${onpremPort}`;
  let licence: string;

  beforeAll(async () => {
    licence = cli('account', 'create', `onprem-${Date.now()}`, '--plan', 'business').apiKey;
    const onprem = {
      LOG_LEVEL: 'log',
      ADMIN_TOKEN,
      PORT: String(onpremPort),
      PLATEWISE_MODE: 'onprem',
      PLATEWISE_LICENSE_KEY: licence,
    };
    [gateway, worker] = await Promise.all([
      startApp('gateway', onprem, GATEWAY_READY),
      startApp('worker', onprem, WORKER_READY),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  it('serves the SDK examples without a token and reports usage', async () => {
    const first = await fetch(`${local}/v1/plate-reader/`, {
      method: 'POST',
      body: upload(photo(BR.path), 'car.jpg'),
    });
    expect(first.status).toBe(201);
    const second = await fetch(`${local}/v1/plate-reader/`, {
      method: 'POST',
      body: upload(photo(BR.path), 'car.jpg', {
        regions: ['mx', 'us-ca'],
        mmc: 'true',
        config: '{"mode":"fast"}',
      }),
    });
    const body = await second.json();
    expect(second.status).toBe(201);
    expect(body.usage).toEqual({ calls: 2, max_calls: 250000 });
    expect(body.results[0]).toMatchObject({
      color: expect.any(Array),
      orientation: expect.any(Array),
      model_make: expect.any(Array),
    });
    const info = await (await fetch(`${local}/info/`)).json();
    expect(info).toMatchObject({ total_calls: 250000, usage: { calls: 2 }, webhooks: [] });
    expect(info.license_key).toMatch(/^\w{4}\*+\w{4}$/);
    // other routes still need a key
    expect((await fetch(`${local}/v1/statistics/`)).status).toBe(403);
    // A stream process beside the on-premise gateway reports events without a key.
    const event = {
      camera_id: 'gate',
      timestamp: '2026-12-05T19:00:01.000Z',
      first_seen: '2026-12-05T19:00:00.000Z',
      last_seen: '2026-12-05T19:00:02.000Z',
      frames: 6,
      direction: null,
      results: [{ ...body.results[0], direction: null }],
    };
    const reported = await fetch(`${local}/v1/stream/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(reported.status).toBe(201);
    const daily = await (
      await fetch(`${local}/v2/quota/daily`, { headers: { Authorization: `Token ${licence}` } })
    ).json();
    expect(daily.quota.stream.count).toBe(1);
  }, 60_000);

  it('redacts without a token too, counted as redact for the licence', async () => {
    const redacted = await fetch(`${local}/v1/redact/`, {
      method: 'POST',
      headers: { Authorization: 'Token whatever-node-red-sends', Accept: 'application/json' },
      body: upload(photo(BR.path), 'car.jpg', { hide: 'plates' }),
    });
    expect(redacted.status).toBe(200);
    const body = await redacted.json();
    expect(body.content_type).toBe('image/jpeg');
    expect(body.plates.length).toBeGreaterThan(0);
    const daily = await (
      await fetch(`${local}/v2/quota/daily`, { headers: { Authorization: `Token ${licence}` } })
    ).json();
    expect(daily.quota.redact.count).toBe(1);
  }, 60_000);

  it('ignores Authorization and admits browsers, with or without the trailing slash, as the SDK does', async () => {
    const token = await fetch(`${local}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: 'Token whatever-node-red-sends' },
      body: upload(photo(BR.path), 'car.jpg'),
    });
    expect(token.status).toBe(201);
    const browser = await fetch(`${local}/v1/plate-reader`, {
      method: 'POST',
      headers: { Origin: 'http://homeassistant.local:8123' },
      body: upload(photo(BR.path), 'car.jpg'),
    });
    expect(browser.status).toBe(201);
    expect(browser.headers.get('access-control-allow-origin')).toBe('*');
    const info = await fetch(`${local}/info/`, {
      headers: { Authorization: 'Token x', Origin: 'http://homeassistant.local:8123' },
    });
    expect(info.status).toBe(200);
    expect(info.headers.get('access-control-allow-origin')).toBe('*');
  }, 60_000);
});
