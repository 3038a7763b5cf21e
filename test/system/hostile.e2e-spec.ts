/**
 * Hostile input against a built gateway and worker: a corpus of bad requests, bodies that never
 * end, headers that never end, and property-based generation of config values and form fields.
 * Every answer is a 4xx JSON error within a time bound, both processes stay up, and nothing is
 * counted.
 */
import fc from 'fast-check';
import { loadConfig } from '../../libs/infra/src';
import { ADMIN_TOKEN, Api, smallPhoto } from './load';
import { GATEWAY_READY, Running, startApp, startTogether, WORKER_READY } from './processes';
import { BadRequest, corpus, multipart, neverEnding } from './hostile/corpus';
import {
  announcedBodyNeverSent,
  rawRequest,
  RawReply,
  unfinishedHeaders,
} from './hostile/raw-http';
import { testPort } from './services';
import { ENGINE_HOLD_HOOK, holdingImage } from '../support/engine-hold';

jest.setTimeout(120_000);

const port = testPort();
const base = `http://127.0.0.1:${port}`;
const api = new Api(base);
const BODY_TIMEOUT_MS = 2_000;
const env = {
  PORT: String(port),
  ADMIN_TOKEN,
  // Its own queue, so the other suites' workers do not take its jobs.
  REDIS_PREFIX: `${loadConfig().REDIS_PREFIX}hostile:`,
  HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
  HTTP_HEADERS_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
  // Webhook targets for the cap test: allowed although internal, never reached (no call is made).
  FETCH_ALLOW_HOSTS: '10.99.0.0/16',
  LOG_LEVEL: 'log',
  // Behind a TLS proxy that is not trusted (no TRUST_PROXY): cookies must still be Secure.
  PUBLIC_URL: 'https://alpr.example.test',
};
/** Longest any bad request may take to be answered (a bomb or a huge body included). */
const ANSWER_WITHIN_MS = 5_000;

let gateway: Running;
let worker: Running;
let key: string;
let photo: Buffer;
const answered: { name: string; reply: RawReply }[] = [];

beforeAll(async () => {
  photo = await smallPhoto();
  const starting = [
    startApp('gateway', env, GATEWAY_READY),
    // Its engine can be held busy on demand (holdingImage), and gives up after 3 s.
    startApp(
      'worker',
      { ...env, ENGINE_READ_TIMEOUT_MS: '3000', NODE_OPTIONS: `--require ${ENGINE_HOLD_HOOK}` },
      WORKER_READY,
    ),
  ];
  [gateway, worker] = await startTogether(starting);
  key = await api.loadAccount('hostile');
});

afterAll(async () => {
  const statuses: Record<string, number> = {};
  for (const { reply } of answered) statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
  const slowest = answered.reduce((a, b) => (a.reply.ms > b.reply.ms ? a : b), answered[0]);
  console.log(
    `hostile: ${answered.length} bad requests, statuses ${JSON.stringify(statuses)}, slowest ${Math.round(slowest?.reply.ms ?? 0)} ms (${slowest?.name})`,
  );
  await Promise.all([gateway?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
});

/** A multipart recognition call with the given parts. */
const postForm = (apiKey: string, parts: Parameters<typeof multipart>[0]) =>
  rawRequest(base, {
    path: '/v1/plate-reader/',
    headers: {
      Authorization: `Token ${apiKey}`,
      'Content-Type': 'multipart/form-data; boundary=hostile-boundary-7d1a',
    },
    body: multipart(parts),
    deadlineMs: ANSWER_WITHIN_MS + 5_000,
  });
const withPhoto = (config: string) => [
  { name: 'upload', value: photo, filename: 'car.jpg' },
  { name: 'config', value: config },
];

const alive = (p: Running) => p.child.exitCode === null && p.child.signalCode === null;

/** A 4xx whose body is JSON with a message, within the bound; recorded for the summary. */
function expectJsonError(
  name: string,
  reply: RawReply,
  status: number,
  within = ANSWER_WITHIN_MS,
  says?: RegExp,
) {
  answered.push({ name, reply });
  expect({ name, status: reply.status, text: reply.status === status ? '' : reply.text }).toEqual({
    name,
    status,
    text: '',
  });
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(reply.text) as { detail?: string; message?: string };
  const message = body.detail ?? body.message;
  expect(typeof message).toBe('string');
  if (says) expect(message).toMatch(says);
  expect(reply.ms).toBeLessThan(within);
}

describe('a corpus of bad requests', () => {
  // Built once: some entries are 16 MB.
  let built: BadRequest[] | undefined;
  const cases = () => (built ??= corpus(key, photo));

  it('has at least 60 entries', () => {
    expect(corpus('k', Buffer.alloc(1)).length).toBeGreaterThanOrEqual(60);
  });

  it.each(corpus('k', Buffer.alloc(1)).map((c, i) => [c.name, i] as const))(
    '%s',
    async (_name, i) => {
      const c: BadRequest = cases()[i];
      const reply = await rawRequest(base, { ...c.request, deadlineMs: ANSWER_WITHIN_MS + 5_000 });
      expectJsonError(c.name, reply, c.status, ANSWER_WITHIN_MS, c.says);
      if (c.status === 405) expect(reply.headers.allow).toBe('POST, OPTIONS');
    },
  );
});

describe('bodies and headers that never end', () => {
  it.each(neverEnding('k', Buffer.alloc(1)).map((c, i) => [c.name, i] as const))(
    '%s: 408 and no quota slot held',
    async (_name, i) => {
      const c = neverEnding(key, photo)[i];
      const reply = await rawRequest(base, { ...c.request, deadlineMs: BODY_TIMEOUT_MS + 10_000 });
      expectJsonError(c.name, reply, 408, BODY_TIMEOUT_MS + 3_000);
    },
  );

  it('an idle kept-alive connection is kept longer than a load balancer idles (65 s, announced)', async () => {
    const reply = await rawRequest(base, {
      method: 'GET',
      path: '/health/live',
      headers: { Connection: 'keep-alive' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['keep-alive']).toBe('timeout=65');
  });

  it('a connection whose headers never end is closed by the server', async () => {
    const { closedAfterMs } = await unfinishedHeaders(base, BODY_TIMEOUT_MS + 10_000);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(BODY_TIMEOUT_MS + 5_000);
  });
});

describe('generated config values and form fields', () => {
  const post = (parts: Parameters<typeof multipart>[0]) => postForm(key, parts);
  // Not an image the engine reads, so a config that happens to be valid still ends in a 4xx (415).
  const notAnImage = {
    name: 'upload',
    value: Buffer.from('GIF8 but not quite'),
    filename: 'x.gif',
  };
  const check = (name: string, reply: RawReply) => {
    answered.push({ name, reply });
    return (
      reply.status >= 400 &&
      reply.status < 500 &&
      /^application\/json/.test(String(reply.headers['content-type'])) &&
      reply.ms < ANSWER_WITHIN_MS
    );
  };

  it('config: any JSON value, or any object of known and unknown keys', async () => {
    const known = fc.constantFrom(
      'threshold_d',
      'threshold_o',
      'mode',
      'text_formats',
      'region',
      'detection_rule',
      'detection_mode',
    );
    const config = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .dictionary(fc.oneof(known, fc.string({ maxLength: 12 })), fc.jsonValue({ maxDepth: 3 }))
        .map((o) => JSON.stringify(o)),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(config, async (value) =>
        check(`config ${value.slice(0, 60)}`, await post([notAnImage, { name: 'config', value }])),
      ),
      { numRuns: 120 },
    );
  });

  it('form fields: any names, values and repeats', async () => {
    const name = fc.oneof(
      fc.constantFrom(
        'regions',
        'region',
        'camera_id',
        'timestamp',
        'mmc',
        'config',
        'upload_url',
        'upload',
      ),
      fc.string({ minLength: 1, maxLength: 20 }),
    );
    const field = fc.record({
      name: name.filter((n) => !/["\r\n]/.test(n)),
      value: fc.string({ maxLength: 300 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(field, { maxLength: 8 }), async (fields) =>
        check(`fields ${JSON.stringify(fields).slice(0, 60)}`, await post([notAnImage, ...fields])),
      ),
      { numRuns: 120 },
    );
  });
});

describe('webhook targets and ids', () => {
  const hook = (key: string, target: string) =>
    rawRequest(base, {
      path: '/v1/webhooks/',
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ target }),
    });

  it('caps targets per account (WEBHOOK_MAX_TARGETS, 10) and answers ids beyond 2^31 with 404 on the admin routes too', async () => {
    const created = await api.admin('POST', '/admin/accounts', {
      username: `hooks-${Date.now().toString(36)}`,
      plan: 'load',
    });
    const accountId = (created.account as { id: string }).id;
    for (let i = 1; i <= 10; i++)
      expect((await hook(created.apiKey, `http://10.99.0.${i}/hook`)).status).toBe(201);
    expectJsonError(
      '11th webhook target',
      await hook(created.apiKey, 'http://10.99.0.11/hook'),
      400,
      ANSWER_WITHIN_MS,
      /at most 10 webhook targets/,
    );
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const [method, path] of [
      ['DELETE', `/admin/accounts/${accountId}/webhooks/99999999999`],
      ['GET', `/admin/accounts/${accountId}/webhooks/99999999999/deliveries`],
    ]) {
      expectJsonError(
        `${method} ${path}`,
        await rawRequest(base, { method, path, headers: admin }),
        404,
      );
    }
  });
});

describe("the trial plan's one call per second", () => {
  it('a 400 spends no slot; a 429 carries Retry-After and the RateLimit headers', async () => {
    const trial = (
      await api.admin('POST', '/admin/accounts', {
        username: `trial-${Date.now().toString(36)}`,
        plan: 'trial',
      })
    ).apiKey;
    const call = (config: string) => postForm(trial, withPhoto(config));
    // Start at the beginning of a second, so the three calls share it.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    expectJsonError('bad config on the trial plan', await call('{"mode":"turbo"}'), 400);
    // Two at once: one takes the second's only slot, the other is throttled.
    const both = await Promise.all([call('{"mode":"fast"}'), call('{"mode":"fast"}')]);
    const served = both.find((r) => r.status === 201);
    const throttled = both.find((r) => r !== served)!;
    expect(served?.status).toBe(201);
    expectJsonError('second call in one second', throttled, 429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.headers['ratelimit-policy']).toMatch(/"burst";q=1;w=1/);
    expect(throttled.headers.ratelimit).toMatch(/"burst";r=0;t=1, "monthly";r=2499;/);
    expect(await api.usage(trial)).toBe(1);
  });
});

describe('work a call makes the service do is bounded', () => {
  const json = (path: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(base, {
      path,
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      deadlineMs: ANSWER_WITHIN_MS + 5_000,
    });

  /** A new account whose dashboard password is 'right-horse-battery-staple'; its username. */
  const dashboardUser = async (name: string) => {
    const username = `${name}-${Date.now().toString(36)}`;
    const created = await api.admin('POST', '/admin/accounts', { username, plan: 'load' });
    const accountId = (created.account as { id: string }).id;
    await api.admin('PUT', `/admin/accounts/${accountId}/password`, {
      password: 'right-horse-battery-staple',
    });
    return username;
  };

  it('380,000 regions: 400 naming the limit in under a second, while another account is served', async () => {
    const other = await api.loadAccount('hostile-bystander');
    const regions = Array.from({ length: 380_000 }, (_, i) => `us-${i % 1000}`);
    const body = JSON.stringify({ upload: photo.toString('base64'), regions });
    const attack = json('/v1/plate-reader/', body, { Authorization: `Token ${key}` });
    const bystander = Promise.all([1, 2, 3].map(() => api.read(other, photo)));
    const refused = await attack;
    console.log(
      `hostile: 380,000 regions answered ${refused.status} in ${Math.round(refused.ms)} ms`,
    );
    // Under a second on a quiet machine; the bound leaves room for a busy one.
    expectJsonError('380,000 regions', refused, 400, 2_000, /at most 32 distinct region codes/);
    expect((await bystander).map((a) => a.status)).toEqual([201, 201, 201]);
    // Duplicates are one region: 100 copies of two codes are served.
    const form = await postForm(key, [
      { name: 'upload', value: photo, filename: 'car.jpg' },
      { name: 'config', value: '{"mode":"fast"}' },
      ...Array.from({ length: 40 }, (_, i) => ({ name: 'regions', value: i % 2 ? 'br' : 'us-ca' })),
    ]);
    expect(form.status).toBe(201);
    expect(await api.usage(key)).toBe(1);
    expect(await api.usage(other)).toBe(3);
  });

  it.each([
    ['/account/session', {}],
    ['/account/signup', {}],
    ['/v1/webhooks/', { key: true }],
    ['/v1/plate-reader/', { key: true }],
  ])('75 KB of nested objects to %s: 400, not 500', async (path, { key: withKey }) => {
    const depth = 75_000 / 6;
    const body = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const reply = await json(path, body, withKey ? { Authorization: `Token ${key}` } : {});
    expectJsonError(`nested JSON to ${path}`, reply, 400, ANSWER_WITHIN_MS, /more than 32 levels/);
    expect(alive(gateway)).toBe(true);
  });

  it('a config nested 10,000 deep in a form field: 400', async () => {
    const config = '{"mode":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expectJsonError('nested config', await postForm(key, withPhoto(config)), 400);
  });

  // Before the guesses below, which spend this address's sign-in attempts for the window.
  it('behind an https PUBLIC_URL the session cookie is Secure without TRUST_PROXY', async () => {
    const username = await dashboardUser('cookie');
    const reply = await json(
      '/account/session',
      JSON.stringify({ username, password: 'right-horse-battery-staple' }),
    );
    expect(reply.status).toBe(201);
    expect(String(reply.headers['set-cookie'])).toMatch(/platewise_session=.*; Secure/);
  });

  it('40 concurrent wrong passwords: at most 5 are checked (401), the rest are refused (429)', async () => {
    const username = await dashboardUser('guessed');
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        json('/account/session', JSON.stringify({ username, password: `wrong-guess-${i}` })),
      ),
    );
    const count = (status: number) => guesses.filter((g) => g.status === status).length;
    expect(count(401)).toBeLessThanOrEqual(5);
    expect(count(401) + count(429)).toBe(40);
    const right = await json(
      '/account/session',
      JSON.stringify({ username, password: 'right-horse-battery-staple' }),
    );
    expect(right.status).toBe(429);
  });

  it('a refused call that announced a body it never sends is answered and its connection closed', async () => {
    const { status, closedAfterMs } = await announcedBodyNeverSent(
      base,
      '/v1/plate-reader/',
      BODY_TIMEOUT_MS + 10_000,
    );
    expect(status).toBe(403);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(4_000);
  });

  it('an image the engine is stuck on: 503 after ENGINE_READ_TIMEOUT_MS saying so, not counted, and the worker serves the next call', async () => {
    const before = await api.usage(key);
    const stuck = await postForm(key, [
      { name: 'upload', value: holdingImage(photo, 999), filename: 'car.jpg' },
    ]);
    expect(stuck.status).toBe(503);
    expect(JSON.parse(stuck.text).detail).toMatch(
      /^The engine gave up on this image after 3 s\. The call was not counted\.$/,
    );
    expect(stuck.ms).toBeLessThan(8_000);
    expect(await api.usage(key)).toBe(before);
    expect((await postForm(key, withPhoto('{"mode":"fast"}'))).status).toBe(201);
    expect(await api.usage(key)).toBe(before + 1);
  });

  it.each(['from=yesterday', 'to=2025-02-30', 'from=2025-03-01&to=2025-02-01'])(
    '/v2/quota/history?%s: 400',
    async (query) => {
      const reply = await rawRequest(base, {
        method: 'GET',
        path: `/v2/quota/history?${query}`,
        headers: { Authorization: `Token ${key}` },
      });
      expectJsonError(`history ${query}`, reply, 400, ANSWER_WITHIN_MS, /from|to/);
    },
  );
});

describe('after all of it', () => {
  it('both processes are up and nothing was counted; a pathological but valid pattern is served at once', async () => {
    expect(alive(gateway)).toBe(true);
    expect(alive(worker)).toBe(true);
    expect(await api.usage(key)).toBe(2);
    // `.*` 40 times then X: minutes for a backtracking engine, a few thousand automaton steps here.
    const pattern = JSON.stringify({ mode: 'fast', text_formats: ['.*'.repeat(40) + 'X'] });
    const reply = await postForm(key, withPhoto(pattern));
    console.log(
      `hostile: text_formats of 40 × ".*" then X answered ${reply.status} in ${Math.round(reply.ms)} ms`,
    );
    expect(reply.status).toBe(201);
    expect(reply.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await api.usage(key)).toBe(3);
  });
});
