/**
 * Every operation the OpenAPI document lists, called with bad input by a caller who holds the
 * right credentials: each path parameter, query parameter (the documented ones and the names
 * routes commonly read: dates, limits, cursors) and JSON body field given values of the wrong kind,
 * impossible dates, huge and hostile strings, and whole bodies of the wrong shape. Every answer is
 * below 500, an error is JSON with a message, and none takes longer than a few seconds. The
 * recognition routes (an image, a worker) have their own corpus in test/system/hostile.e2e-spec.ts,
 * and the sign-in route its own in account-web.int-spec.ts (its failures are throttled per address,
 * which the suites beside this one share).
 */
import { PasswordsService } from '@platewise/domain';
import type { Test } from 'supertest';
import { ADMIN_TOKEN, Harness, signIn as signInAs, startHarness, uniqueName } from './harness';

jest.setTimeout(300_000);

const SKIP = new Set([
  'POST /v1/plate-reader',
  'POST /v1/redact',
  'POST /account/plate-reader',
  'POST /account/redact',
  'POST /account/session',
]);
const ANSWER_WITHIN_MS = 5_000;
const PASSWORD = 'correct horse battery';

const PATH_VALUES = [
  'x',
  '0',
  '-1',
  '99999999999999999999',
  '00000000-0000-0000-0000-000000000000',
  '%00',
  encodeURIComponent('\u0000'),
  'a'.repeat(300),
  '..%2F..%2Fadmin',
  '%F0%9F%9A%97',
];
/** Query names routes read beside their documented ones. */
const COMMON_QUERY = ['from', 'to', 'day', 'month', 'year', 'limit', 'cursor', 'page', 'format'];
const QUERY_VALUES = [
  '',
  'x',
  '-1',
  '1e309',
  '99999999999999999999',
  '0000-01-01',
  '2026-02-30',
  '2026-13-01',
  '9999-12-31T23:59:59Z',
  '%00',
  '\u0000',
  'a'.repeat(5_000),
];
const FIELD_VALUES: unknown[] = [
  null,
  123456789012345,
  -1,
  1.5,
  true,
  '',
  'x'.repeat(100_000),
  [],
  {},
  [[[[[[]]]]]],
  '\u0000',
  '2026-02-30',
  '0000-01-01',
  'NaN',
  '<script>alert(1)</script>',
  { __proto__: { polluted: true } },
];
const deep = (n: number): unknown => (n === 0 ? {} : { a: deep(n - 1) });
/** Raw JSON bodies of the wrong shape. */
const BODIES = [
  'null',
  '[]',
  '"text"',
  '1',
  '{}',
  '{"unclosed": ',
  JSON.stringify(deep(2_000)),
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
];

interface Operation {
  method: string;
  path: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
}

interface Caller {
  headers: Record<string, string>;
  /** real ids for the path's parameters where the caller has one (its own account) */
  ids: Record<string, string>;
}

describe('bad input on every documented route (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let operations: Operation[];
  let schemas: Record<string, { properties?: Record<string, unknown> }>;

  beforeAll(async () => {
    h = await startHarness();
    const doc = (await h.http().get('/openapi.json').expect(200)).body;
    schemas = doc.components.schemas;
    operations = Object.entries<Record<string, Operation>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ ...op, method, path })),
    );
  });
  afterAll(() => h.close());

  /** A fresh account for each operation, so one call's effect (a key revoked, an IP allow-list
   * set, a session ended) cannot hide the next operation's answers. */
  async function callerFor(op: Operation): Promise<Caller> {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('fuzz'), 'trial');
    return credentials(op, account, apiKey);
  }

  /** The credentials `op` takes, for `account`: its key, the admin token or a signed-in session. */
  async function credentials(
    op: Operation,
    account: { id: string; username: string },
    apiKey: string,
  ): Promise<Caller> {
    const scheme = Object.keys(op.security?.[0] ?? {})[0];
    const ids = { accountId: account.id };
    if (scheme === 'AdminToken')
      return { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, ids };
    if (scheme === 'Token' || scheme === 'ApiKeyQuery')
      return { headers: { Authorization: `Token ${apiKey}` }, ids };
    if (scheme !== 'Session') return { headers: {}, ids };
    await h.app.get(PasswordsService).set(account.id, PASSWORD);
    if (op.path.startsWith('/account/operator'))
      await h.app.get(PasswordsService).setOperator(account.id, true);
    return { headers: await signIn(account.username), ids };
  }

  async function signIn(username: string): Promise<Record<string, string>> {
    const { cookie, csrf } = await signInAs(h, username, PASSWORD);
    return { Cookie: cookie, 'X-CSRF-Token': csrf };
  }

  /** The operation's path with each parameter filled: `fill(name)` or a harmless id. */
  const pathOf = (op: Operation, fill: (name: string) => string | undefined) =>
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => fill(name) ?? 'x');

  function send(op: Operation, caller: Caller, url: string, body?: string): Test {
    const method = op.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = h.http()[method](url).timeout(ANSWER_WITHIN_MS);
    for (const [k, v] of Object.entries(caller.headers)) req = req.set(k, v);
    if (body !== undefined) req = req.set('Content-Type', 'application/json').send(body);
    return req;
  }

  it('answers every one below 500, as JSON, in time', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let calls = 0;
    const check = async (what: string, call: () => Test) => {
      calls++;
      let res;
      try {
        res = await call();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
        return;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const json = /application\/(problem\+)?json/.test(String(res.headers['content-type']));
      if (res.status >= 500) failures.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status >= 400 && !json)
        failures.push(`${what}: ${res.status} not JSON (${res.headers['content-type']})`);
    };

    for (const op of operations) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      if (SKIP.has(name)) continue;
      const caller = await callerFor(op);
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      // the query and body variants on a real account where the path names one
      const base = pathOf(op, (n) => caller.ids[n]);
      const json = op.requestBody?.content['application/json'];
      const body = json ? '{}' : undefined;

      for (const p of pathParams)
        for (const v of PATH_VALUES) {
          const url = pathOf(op, (n) => (n === p ? v : undefined));
          await check(`${name} ${p}=${v.slice(0, 20)}`, () => send(op, caller, url, body));
        }

      const queryNames = new Set([
        ...params.filter((p) => p.in === 'query').map((p) => p.name),
        ...(op.method === 'get' ? COMMON_QUERY : []),
      ]);
      for (const q of queryNames)
        for (const v of QUERY_VALUES) {
          const url = `${base}?${encodeURIComponent(q)}=${encodeURIComponent(v)}`;
          await check(`${name} ?${q}=${v.slice(0, 20)}`, () => send(op, caller, url, body));
        }
      for (const q of queryNames)
        await check(`${name} ?${q} twice`, () => send(op, caller, `${base}?${q}=1&${q}=2`, body));

      if (!json) continue;
      for (const raw of BODIES)
        await check(`${name} body ${raw.slice(0, 30)}`, () => send(op, caller, base, raw));
      const ref = json.schema?.$ref?.split('/').pop();
      const fields = Object.keys((ref && schemas[ref]?.properties) || {});
      for (const f of fields)
        for (const v of FIELD_VALUES) {
          const raw = JSON.stringify({ [f]: v });
          await check(`${name} ${f}=${raw.slice(0, 40)}`, () => send(op, caller, base, raw));
        }
    }

    console.log(
      `${calls} calls over ${operations.length} operations; statuses: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    // one line per operation and kind of failure, with its first example and how many
    const kinds = new Map<string, { first: string; n: number }>();
    for (const f of failures) {
      const [where] = f.split(/ [?\w]+=| body /);
      const kind = `${where} ${/: (\d+)/.exec(f)?.[1] ?? 'timeout'}`;
      const k = kinds.get(kind);
      if (k) k.n++;
      else kinds.set(kind, { first: f.slice(0, 240), n: 1 });
    }
    expect([...kinds.values()].map((k) => `${k.first} (${k.n}×)`)).toEqual([]);
  });

  it("never lets one account read, change or delete another's resources", async () => {
    // A owns a webhook, a watchlist and a key; B, an ordinary account, calls every operation
    // that names a resource in its path with A's ids, with B's own key or B's own session.
    const a = await h.admin.createAccount(uniqueName('owner-a'), 'trial');
    const b = await h.admin.createAccount(uniqueName('caller-b'), 'trial');
    await h.app.get(PasswordsService).set(a.account.id, PASSWORD);
    await h.app.get(PasswordsService).set(b.account.id, PASSWORD);
    const asA = { Authorization: `Token ${a.apiKey}` };
    const hook = await h
      .http()
      .post('/v1/webhooks')
      .set(asA)
      .send({ target: 'http://93.184.216.34/a' })
      .expect(201);
    const list = await h
      .http()
      .post('/v1/watchlists')
      .set(asA)
      .send({ plate: 'ABC123' })
      .expect(201);
    const sessionA = await signIn(a.account.username);
    const keysA = await h.http().get('/account/keys').set(sessionA).expect(200);
    const ids: Record<string, string> = {
      accountId: a.account.id,
      webhookId: String(hook.body.id),
      watchlistId: String(list.body.id),
      keyId: String(keysA.body[0]?.id ?? JSON.stringify(keysA.body)),
    };
    const asB = {
      Token: { Authorization: `Token ${b.apiKey}` },
      Session: await signIn(b.account.username),
    };

    const reached: string[] = [];
    let calls = 0;
    for (const op of operations) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      if (SKIP.has(name) || !op.path.includes('{') || scheme === 'AdminToken') continue;
      const headers = scheme === 'Session' ? asB.Session : asB.Token;
      const url = pathOf(op, (n) => ids[n]);
      const body = op.requestBody?.content['application/json'] ? '{}' : undefined;
      const res = await send(op, { headers, ids: {} }, url, body);
      calls++;
      if (![400, 403, 404].includes(res.status)) reached.push(`${name}: ${res.status}`);
    }
    expect(calls).toBeGreaterThan(10);
    expect(reached).toEqual([]);
    // and A's resources are all there, its key still works
    const hooks = await h.http().get('/v1/webhooks').set(asA).expect(200);
    expect(JSON.stringify(hooks.body)).toContain(ids.webhookId);
    const lists = await h.http().get('/v1/watchlists').set(asA).expect(200);
    expect(JSON.stringify(lists.body)).toContain(ids.watchlistId);
    const keysAfter = await h.http().get('/account/keys').set(sessionA).expect(200);
    expect(JSON.stringify(keysAfter.body)).toContain(ids.keyId);
  });
});
