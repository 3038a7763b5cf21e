/**
 * Conformance to the Snapshot API specification (../shared/seeds/000_*.txt): every parameter,
 * config key, response field and error it documents, each sent the way a real client sends it
 * (Python `requests` with `mmc=True`, Node FormData, curl -F: conformance/clients.ts), to the
 * built gateway and worker on the real PostgreSQL and Redis; on-premise items to a second
 * gateway in onprem mode. Test titles are `<spec item> — <client>`: `pnpm conformance` runs this
 * suite alone and prints them as a table (scripts/conformance.mjs).
 */
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import {
  ADMIN_TOKEN,
  ALLOWED_HOST,
  BR,
  cli,
  localServer,
  photo,
  US,
  waitFor,
} from './snapshot-support';
import { CLIENTS, ClientAnswer, ClientCall, FieldValue } from './conformance/clients';

const cloudPort = testPort();
const onpremPort = cloudPort + 2000;
const cloud = `http://127.0.0.1:${cloudPort}`;
const onprem = `http://127.0.0.1:${onpremPort}`;
const env = {
  ADMIN_TOKEN,
  LOG_LEVEL: 'log',
  FETCH_ALLOW_HOSTS: ALLOWED_HOST,
  RECOGNITION_TIMEOUT_MS: '40000',
  WEBHOOK_BACKOFF_MS: '300',
};

type ClientName = keyof typeof CLIENTS;
const BR_FILE = { name: 'car.jpg', bytes: photo(BR.path) };
const US_FILE = { name: 'us.jpg', bytes: photo(US.path) };
const DATE_TIME_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let business: string; // plan with mmc
let trial: string; // plan without mmc, 1 call per second
let servers: Awaited<ReturnType<typeof localServer>>;

/** One recognition call from `client`, with the business key unless told otherwise. */
function read(
  client: ClientName,
  fields: Record<string, FieldValue> = {},
  more: Partial<ClientCall> = {},
): Promise<ClientAnswer> {
  return CLIENTS[client]({
    url: `${cloud}/v1/plate-reader/`,
    token: `Token ${business}`,
    file: BR_FILE,
    fields,
    ...more,
  });
}

function served(answer: ClientAnswer) {
  expect({ status: answer.status, body: answer.status === 201 ? '' : answer.body }).toEqual({
    status: 201,
    body: '',
  });
  return answer.body;
}

const plates = (body: { results: { plate: string }[] }) => body.results.map((r) => r.plate);

interface Case {
  item: string;
  client: ClientName;
  run: () => Promise<void>;
}

const CASES: Case[] = [
  // POST parameters
  ...(['python-requests', 'node FormData', 'curl -F'] as ClientName[]).map((client) => ({
    item: 'parameter upload: file bytes (multipart)',
    client,
    run: async () => expect(plates(served(await read(client)))).toContain(BR.plate),
  })),
  {
    item: 'parameter upload: base64 text',
    client: 'node FormData',
    run: async () => {
      const answer = await read(
        'node FormData',
        { upload: BR_FILE.bytes.toString('base64') },
        { file: undefined },
      );
      expect(plates(served(answer))).toContain(BR.plate);
    },
  },
  {
    item: 'parameter upload_url (the seed posts it to /v1/plate-reader, no trailing slash)',
    client: 'curl -F',
    run: async () => {
      const answer = await CLIENTS['curl -F']({
        url: `${cloud}/v1/plate-reader`,
        token: `Token ${business}`,
        fields: { upload_url: `${servers.url}/demo.jpg` },
      });
      expect(plates(served(answer))).toContain(BR.plate);
    },
  },
  {
    item: 'parameter regions, repeated (mx and us-ca)',
    client: 'python-requests',
    run: async () => {
      const body = served(
        await read('python-requests', { regions: ['mx', 'us-ca'] }, { file: US_FILE }),
      );
      expect(plates(body)).toContain(US.plate);
    },
  },
  {
    item: 'parameter regions, comma-separated',
    client: 'node FormData',
    run: async () => {
      const body = served(await read('node FormData', { regions: 'mx,us-ca' }, { file: US_FILE }));
      expect(plates(body)).toContain(US.plate);
    },
  },
  {
    item: 'parameter camera_id, echoed',
    client: 'python-requests',
    run: async () =>
      expect(served(await read('python-requests', { camera_id: 'gate-1' })).camera_id).toBe(
        'gate-1',
      ),
  },
  {
    item: 'parameter timestamp (ISO 8601, the seed example), echoed in UTC',
    client: 'curl -F',
    run: async () => {
      expect(served(await read('curl -F', { timestamp: '2019-08-19T13:11:25' })).timestamp).toBe(
        '2019-08-19T13:11:25Z',
      );
      expect(
        served(await read('curl -F', { timestamp: '2019-08-19T13:11:25+02:00' })).timestamp,
      ).toBe('2019-08-19T11:11:25Z');
    },
  },
  {
    item: 'parameter mmc=True (plate_recognition.py --mmc)',
    client: 'python-requests',
    run: async () => {
      const [result] = served(await read('python-requests', { mmc: true })).results;
      expect(result).toMatchObject({
        model_make: expect.any(Array),
        color: expect.any(Array),
        orientation: expect.any(Array),
      });
    },
  },
  {
    item: 'parameter mmc=false',
    client: 'python-requests',
    run: async () => {
      const [result] = served(await read('python-requests', { mmc: false })).results;
      expect(result.model_make).toBeUndefined();
    },
  },
  {
    item: 'parameter config (JSON text)',
    client: 'python-requests',
    run: async () =>
      expect(
        plates(
          served(
            await read('python-requests', {
              config: JSON.stringify({ region: 'strict' }),
              regions: ['br'],
            }),
          ),
        ),
      ).toContain(BR.plate),
  },
  // Engine configuration, one key at a time (the seed's examples)
  {
    item: 'config detection_rule strict',
    client: 'curl -F',
    run: async () =>
      expect(
        plates(served(await read('curl -F', { config: '{"detection_rule":"strict"}' }))),
      ).toContain(BR.plate),
  },
  {
    item: 'config detection_mode vehicle (vehicle-only response)',
    client: 'python-requests',
    run: async () => {
      const body = served(
        await read('python-requests', { config: '{"detection_mode":"vehicle"}', mmc: true }),
      );
      const item = body.results.find((r: { plate?: unknown }) => r.plate);
      expect(item.plate).toMatchObject({
        type: 'Plate',
        score: expect.any(Number),
        box: expect.any(Object),
      });
      expect(item.plate.props.plate[0].value).toBe(BR.plate);
      expect(item.plate.props.region[0]).toMatchObject({
        value: expect.any(String),
        score: expect.any(Number),
      });
      expect(item.vehicle).toMatchObject({
        type: expect.any(String),
        score: expect.any(Number),
        box: expect.any(Object),
      });
      expect(item.vehicle.props).toMatchObject({
        make_model: expect.any(Array),
        orientation: expect.any(Array),
        color: expect.any(Array),
      });
    },
  },
  {
    item: 'config region strict with region=us-ca (the seed sends `region`)',
    client: 'curl -F',
    run: async () => {
      const body = served(
        await read(
          'curl -F',
          { config: '{"region":"strict"}', region: 'us-ca' },
          { file: US_FILE },
        ),
      );
      expect(plates(body)).toContain(US.plate);
    },
  },
  {
    item: 'config threshold_d, threshold_o and mode fast',
    client: 'curl -F',
    run: async () => {
      const body = served(
        await read('curl -F', { config: '{"mode":"fast", "threshold_d":0.2, "threshold_o":0.6}' }),
      );
      for (const r of body.results) expect(r.score).toBeGreaterThanOrEqual(0.6);
      expect(plates(body)).toContain(BR.plate);
    },
  },
  {
    item: 'config numbers sent as strings ({"threshold_d":"0.2"})',
    client: 'node FormData',
    run: async () =>
      expect(
        plates(served(await read('node FormData', { config: '{"threshold_d":"0.2"}' }))),
      ).toContain(BR.plate),
  },
  {
    item: 'config mode redaction',
    client: 'node FormData',
    run: async () =>
      expect(
        plates(served(await read('node FormData', { config: '{"mode":"redaction"}' }))),
      ).toContain(BR.plate),
  },
  {
    item: 'config text_formats',
    client: 'node FormData',
    run: async () => {
      const body = served(
        await read('node FormData', { config: '{"text_formats":["[a-z]{3}[0-9]{4}"]}' }),
      );
      expect(plates(body)).toContain(BR.plate);
    },
  },
  {
    item: 'config unknown keys ignored, named in X-Platewise-Ignored-Config',
    client: 'python-requests',
    run: async () => {
      const answer = await read('python-requests', { config: '{"mode":"fast","future_option":1}' });
      served(answer);
      expect(answer.headers['x-platewise-ignored-config']).toBe('future_option');
    },
  },
  // JSON response (plate mode)
  {
    item: 'response: processing_time, results, filename, version, camera_id, timestamp',
    client: 'python-requests',
    run: async () => {
      const body = served(await read('python-requests'));
      expect(body).toMatchObject({
        processing_time: expect.any(Number),
        filename: 'car.jpg',
        version: 1,
        camera_id: null,
      });
      expect(body.timestamp).toMatch(DATE_TIME_UTC);
    },
  },
  {
    item: 'response results/plate, box, dscore, score, region, vehicle',
    client: 'curl -F',
    run: async () => {
      const [r] = served(await read('curl -F', { regions: 'br' })).results;
      expect(r).toMatchObject({
        plate: BR.plate,
        box: {
          xmin: expect.any(Number),
          ymin: expect.any(Number),
          xmax: expect.any(Number),
          ymax: expect.any(Number),
        },
        region: { code: 'br', score: expect.any(Number) },
        vehicle: { type: expect.any(String), score: expect.any(Number), box: expect.any(Object) },
      });
      for (const score of [r.dscore, r.score, r.region.score, r.vehicle.score]) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
      expect([
        'Big Truck',
        'Bus',
        'Motorcycle',
        'Pickup Truck',
        'Sedan',
        'SUV',
        'Van',
        'Unknown',
      ]).toContain(r.vehicle.type);
    },
  },
  {
    item: 'response results/candidates: first = plate, at most 10',
    client: 'node FormData',
    run: async () => {
      for (const r of served(await read('node FormData')).results) {
        expect(r.candidates[0]).toEqual({ plate: r.plate, score: r.score });
        expect(r.candidates.length).toBeLessThanOrEqual(10);
      }
    },
  },
  {
    item: 'response results/model_make, color, orientation (mmc)',
    client: 'python-requests',
    run: async () => {
      const [r] = served(await read('python-requests', { mmc: 'True' })).results;
      expect(r.model_make[0]).toMatchObject({
        make: expect.any(String),
        model: expect.any(String),
        score: expect.any(Number),
      });
      expect([
        'black',
        'blue',
        'brown',
        'green',
        'red',
        'silver',
        'white',
        'yellow',
        'unknown',
      ]).toContain(r.color[0].color);
      expect(['Front', 'Rear', 'Unknown']).toContain(r.orientation[0].orientation);
    },
  },
  // Errors
  {
    item: 'error: no Authorization header → 403 {detail}',
    client: 'curl -F',
    run: async () => {
      const answer = await read('curl -F', {}, { token: undefined });
      expect(answer.status).toBe(403);
      expect(answer.body.detail).toEqual(expect.any(String));
    },
  },
  {
    item: 'error: wrong token → 403 {detail}',
    client: 'python-requests',
    run: async () => {
      const answer = await read('python-requests', {}, { token: 'Token not-a-key' });
      expect(answer).toMatchObject({ status: 403, body: { detail: 'Invalid token.' } });
    },
  },
  {
    item: 'error: no upload → 400 naming upload',
    client: 'node FormData',
    run: async () => {
      const answer = await read('node FormData', { regions: 'br' }, { file: undefined });
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toMatch(/upload/);
    },
  },
  {
    item: 'error: wrong config value → 400 naming the key',
    client: 'curl -F',
    run: async () => {
      const answer = await read('curl -F', { config: '{"threshold_d":2}' });
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toMatch(/config\.threshold_d/);
    },
  },
  {
    item: 'error: not an image → 415',
    client: 'python-requests',
    run: async () => {
      const answer = await read(
        'python-requests',
        {},
        { file: { name: 'doc.pdf', bytes: Buffer.from('%PDF-1.7 not an image') } },
      );
      expect(answer.status).toBe(415);
    },
  },
  {
    item: "error: image over the plan's upload limit → 413",
    client: 'node FormData',
    run: async () => {
      const answer = await read(
        'node FormData',
        {},
        { file: { name: 'big.jpg', bytes: Buffer.alloc(4 * 1048576, 1) } },
      );
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatch(/maximum upload size/);
    },
  },
  {
    item: 'error: mmc on a plan without it → 403',
    client: 'python-requests',
    run: async () => {
      const answer = await read('python-requests', { mmc: true }, { token: `Token ${trial}` });
      expect(answer.status).toBe(403);
      expect(answer.body.detail).toMatch(/mmc/);
    },
  },
  {
    item: 'error: over the calls per second → 429 {detail, status_code}',
    client: 'node FormData',
    run: async () => {
      const answers = await Promise.all(
        [1, 2, 3].map(() => read('node FormData', {}, { token: `Token ${trial}` })),
      );
      const throttled = answers.find((a) => a.status === 429);
      expect(throttled?.body).toEqual({
        detail: expect.stringMatching(/throttled/),
        status_code: 429,
      });
    },
  },
  // CORS ("allows requests from all origins")
  {
    item: 'CORS: a preflight from any origin is allowed',
    client: 'node FormData',
    run: async () => {
      const res = await fetch(`${cloud}/v1/plate-reader/`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://any.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    },
  },
  // Statistics
  {
    item: 'statistics: usage.month, calls, year, resets_on; total_calls',
    client: 'node FormData',
    run: async () => {
      const res = await fetch(`${cloud}/v1/statistics/`, {
        headers: { Authorization: `Token ${business}` },
      });
      const body = await res.json();
      expect(res.status).toBe(200);
      expect(body).toEqual({
        usage: {
          month: expect.any(Number),
          calls: expect.any(Number),
          year: expect.any(Number),
          resets_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/),
        },
        total_calls: expect.any(Number),
      });
      expect(body.usage.calls).toBeGreaterThan(0);
    },
  },
  // Webhooks
  {
    item: 'webhook: JSON payload {hook: {target, id, event}, data} for every call',
    client: 'python-requests',
    run: async () => {
      const target = `${servers.url}/hook`;
      const hook = await (
        await fetch(`${cloud}/v1/webhooks/`, {
          method: 'POST',
          headers: { Authorization: `Token ${business}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ target }),
        })
      ).json();
      const before = servers.received.length;
      const body = served(await read('python-requests', { camera_id: 'hooked' }));
      await waitFor(
        () => servers.received.slice(before).some((r) => r.body.includes('"hooked"')),
        20_000,
      );
      const payload = JSON.parse(
        servers.received
          .slice(before)
          .find((r) => r.body.includes('"hooked"'))!
          .body.toString(),
      );
      expect(payload.hook).toEqual({ target, id: hook.id, event: 'image.done' });
      expect(payload.data).toMatchObject({
        camera_id: 'hooked',
        results: body.results,
        filename: 'car.jpg',
      });
      await fetch(`${cloud}/v1/webhooks/${hook.id}`, {
        method: 'DELETE',
        headers: { Authorization: `Token ${business}` },
      });
    },
  },
  {
    item: 'webhook with image: multipart {upload: the image, json: the payload}',
    client: 'curl -F',
    run: async () => {
      const target = `${servers.url}/hook-image`;
      const hook = await (
        await fetch(`${cloud}/v1/webhooks/`, {
          method: 'POST',
          headers: { Authorization: `Token ${business}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ target, include_image: true }),
        })
      ).json();
      const before = servers.received.length;
      served(await read('curl -F', { camera_id: 'hooked-image' }));
      const mine = () =>
        servers.received.slice(before).find((r) => r.body.includes('"hooked-image"'));
      await waitFor(() => !!mine(), 20_000);
      const received = mine()!;
      expect(received.headers['content-type']).toMatch(/^multipart\/form-data/);
      expect(received.body.includes('name="upload"')).toBe(true);
      expect(received.body.includes(BR_FILE.bytes.subarray(0, 64))).toBe(true);
      expect(received.body.includes('name="json"')).toBe(true);
      await fetch(`${cloud}/v1/webhooks/${hook.id}`, {
        method: 'DELETE',
        headers: { Authorization: `Token ${business}` },
      });
    },
  },
  // On-premise SDK
  {
    item: 'on-premise: recognition without a token answers usage {calls, max_calls}',
    client: 'curl -F',
    run: async () => {
      const answer = await CLIENTS['curl -F']({
        url: `${onprem}/v1/plate-reader/`,
        file: BR_FILE,
        fields: { regions: ['mx', 'us-ca'], mmc: 'true', config: '{"mode":"fast"}' },
      });
      expect(served(answer).usage).toEqual({
        calls: expect.any(Number),
        max_calls: expect.any(Number),
      });
    },
  },
  {
    item: 'on-premise: a client that always sends a token is served',
    client: 'node FormData',
    run: async () => {
      const answer = await CLIENTS['node FormData']({
        url: `${onprem}/v1/plate-reader/`,
        file: BR_FILE,
        token: 'Token anything',
      });
      expect(plates(served(answer))).toContain(BR.plate);
    },
  },
  {
    item: 'on-premise: GET /info/ version, license_key, total_calls, usage, webhooks',
    client: 'node FormData',
    run: async () => {
      const body = await (await fetch(`${onprem}/info/`)).json();
      expect(body).toEqual({
        version: expect.any(String),
        license_key: expect.stringMatching(/\*/),
        total_calls: expect.any(Number),
        usage: { calls: expect.any(Number) },
        webhooks: [],
      });
    },
  },
];

describe('Snapshot API conformance (spec item — client)', () => {
  let gateway: Running;
  let onpremGateway: Running;
  let worker: Running;

  beforeAll(async () => {
    business = cli(
      'account',
      'create',
      `conf-${Date.now().toString(36)}`,
      '--plan',
      'business',
    ).apiKey;
    trial = cli('account', 'create', `conf-t-${Date.now().toString(36)}`, '--plan', 'trial').apiKey;
    const licence = cli(
      'account',
      'create',
      `conf-o-${Date.now().toString(36)}`,
      '--plan',
      'business',
    ).apiKey;
    servers = await localServer((req) =>
      req.url === '/demo.jpg'
        ? [200, { 'Content-Type': 'image/jpeg' }, photo(BR.path)]
        : [200, {}, 'ok'],
    );
    [gateway, onpremGateway, worker] = await Promise.all([
      startApp('gateway', { ...env, PORT: String(cloudPort) }, GATEWAY_READY),
      startApp(
        'gateway',
        {
          ...env,
          PORT: String(onpremPort),
          PLATEWISE_MODE: 'onprem',
          PLATEWISE_LICENSE_KEY: licence,
        },
        GATEWAY_READY,
      ),
      startApp('worker', env, WORKER_READY),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), onpremGateway?.stop(), worker?.stop(), servers?.close()]);
  });

  for (const c of CASES) it(`${c.item} — ${c.client}`, c.run, 60_000);
});
