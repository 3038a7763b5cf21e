import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';

const CLI = join(__dirname, '..', '..', 'cli', 'dist', 'main.js');
/** The built CLI on the test run's database: its stderr, and whether it failed. */
async function cli(...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: process.env,
    });
    return { ok: true, out: stdout };
  } catch (error) {
    return { ok: false, out: String((error as { stderr: string }).stderr) };
  }
}

describe('operator API and security settings (real PostgreSQL and Redis)', () => {
  let h: Harness;
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('creates an account whose key works at once, and a revoked key stops at once', async () => {
    const res = await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .send({ username: uniqueName('new'), firstName: 'Fake', lastName: 'Contract', plan: 'trial' })
      .expect(201);
    expect(res.body.apiKey).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.account).toMatchObject({ firstName: 'Fake', lastName: 'Contract' });
    const { account, apiKey } = res.body;
    const sub = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(sub.body.account.name).toEqual({ first: 'Fake', last: 'Contract' });

    const keys = await h.http().get(`/admin/accounts/${account.id}/keys`).set(auth).expect(200);
    expect(keys.body).toHaveLength(1);
    expect(JSON.stringify(keys.body)).not.toContain(apiKey); // only the prefix is ever shown again
    expect(keys.body[0].prefix).toBe(apiKey.slice(0, 8));

    await h
      .http()
      .delete(`/admin/accounts/${account.id}/keys/${keys.body[0].id}`)
      .set(auth)
      .expect(200);
    await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(401);
    await h.http().get('/v1/statistics/').set('Authorization', `Token ${apiKey}`).expect(403);
  });

  it('issues several keys and rotates one: the new key works, the old one does not', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('rot'));
    const second = await h
      .http()
      .post(`/admin/accounts/${account.id}/keys`)
      .set(auth)
      .send({ label: 'ci' })
      .expect(201);
    await h.http().get(`/v2/quota/daily?api-key=${second.body.apiKey}`).expect(200);
    const keys = await h.http().get(`/admin/accounts/${account.id}/keys`).set(auth).expect(200);
    const first = keys.body.find((k: { prefix: string }) => k.prefix === apiKey.slice(0, 8));
    const rotated = await h
      .http()
      .post(`/admin/accounts/${account.id}/keys/${first.id}/rotate`)
      .set(auth)
      .expect(201);
    expect(rotated.body.apiKey).not.toBe(apiKey);
    await h.http().get(`/v2/quota/daily?api-key=${apiKey}`).expect(401);
    await h.http().get(`/v2/quota/daily?api-key=${rotated.body.apiKey}`).expect(200);
    await h.http().get(`/v2/quota/daily?api-key=${second.body.apiKey}`).expect(200);
  });

  it("never lets one account act on another account's keys", async () => {
    const a = await h.admin.createAccount(uniqueName('own-a'));
    const b = await h.admin.createAccount(uniqueName('own-b'));
    const keysB = await h.http().get(`/admin/accounts/${b.account.id}/keys`).set(auth).expect(200);
    await h
      .http()
      .delete(`/admin/accounts/${a.account.id}/keys/${keysB.body[0].id}`)
      .set(auth)
      .expect(404);
    await h.http().get(`/v2/subscription?api-key=${b.apiKey}`).expect(200);
  });

  it('keeps webhooks per account: another key can neither see, read nor delete them', async () => {
    const a = await h.admin.createAccount(uniqueName('hook-a'));
    const b = await h.admin.createAccount(uniqueName('hook-b'));
    const asA = { Authorization: `Token ${a.apiKey}` };
    const asB = { Authorization: `Token ${b.apiKey}` };
    // a public address literal: accepted without any connection being made
    const created = await h
      .http()
      .post('/v1/webhooks/')
      .set(asA)
      .send({ target: 'http://93.184.216.34/hook' })
      .expect(201);
    expect(created.body).toMatchObject({
      target: 'http://93.184.216.34/hook',
      include_image: false,
      secret: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect((await h.http().get('/v1/webhooks/').set(asB).expect(200)).body).toEqual([]);
    await h.http().get(`/v1/webhooks/${created.body.id}/deliveries`).set(asB).expect(404);
    await h.http().delete(`/v1/webhooks/${created.body.id}`).set(asB).expect(404);
    const listA = await h.http().get('/v1/webhooks/').set(asA).expect(200);
    expect(listA.body.map((w: { id: number }) => w.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listA.body)).not.toContain(created.body.secret);
    await h.http().delete(`/v1/webhooks/${created.body.id}`).set(asA).expect(204);
  });

  it("shows one account's usage, keys, webhooks and notices: the admin API and the CLI alike", async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('look'));
    await h.http().post('/v1/webhooks/').set('Authorization', `Token ${apiKey}`).send({
      target: 'https://hooks.example.com/plates',
    });
    // A second key, never used: its "last used" is null beside the first's time.
    await h.http().post(`/admin/accounts/${account.id}/keys`).set(auth).send({}).expect(201);
    const range = 'from=2026-01-01&to=2026-01-03';
    const inspect = () =>
      h.http().get(`/admin/accounts/${account.id}/inspection?${range}`).set(auth).expect(200);
    // The key's use is recorded without holding the call up: looked for until it is there.
    let res = await inspect();
    for (let i = 0; i < 50 && !res.body.keys[0].lastUsed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await inspect();
    }
    const keys = await h.http().get(`/admin/accounts/${account.id}/keys`).set(auth).expect(200);
    const hooks = await h.http().get(`/admin/accounts/${account.id}/webhooks`).set(auth);
    const usage = await h.http().get(`/admin/accounts/${account.id}/usage?${range}`).set(auth);
    expect(res.body).toEqual({
      account: expect.objectContaining({ id: account.id, username: account.username }),
      usage: usage.body,
      keys: keys.body,
      webhooks: hooks.body,
      notifications: [],
    });
    expect(res.body.usage).toMatchObject({ from: '2026-01-01', to: '2026-01-03' });
    expect(res.body.keys).toHaveLength(2);
    expect(res.body.keys.map((k: { lastUsed: string | null }) => k.lastUsed)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      null,
    ]);
    const listed = await cli('key', 'list', account.username);
    expect(JSON.parse(listed.out)).toEqual(keys.body);
    expect(JSON.stringify(res.body)).not.toContain(apiKey);
    const printed = await cli(
      'account',
      'inspect',
      account.username,
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-03',
    );
    expect(printed.ok).toBe(true);
    expect(JSON.parse(printed.out)).toEqual(res.body);

    await h.http().get(`/admin/accounts/${account.id}/inspection?from=soon`).set(auth).expect(400);
    await h
      .http()
      .get('/admin/accounts/00000000-0000-4000-8000-000000000000/inspection')
      .set(auth)
      .expect(404);
  });

  it('creates nothing when the plan is unknown, and answers 409 to the same name sent at once', async () => {
    const name = uniqueName('noplan');
    const refused = await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .send({ username: name, plan: 'no-such-plan' })
      .expect(404);
    expect(refused.body.message).toMatch(/no plan named "no-such-plan"/);
    const listed = await h.http().get('/admin/accounts').set(auth).expect(200);
    expect(listed.body.map((a: { username: string }) => a.username)).not.toContain(name);
    // The operator corrects the plan and sends it again: the name is still free.
    const created = await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .send({ username: name, plan: 'trial' })
      .expect(201);
    await h.http().get(`/v2/subscription?api-key=${created.body.apiKey}`).expect(200);

    const racer = uniqueName('race');
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.http().post('/admin/accounts').set(auth).send({ username: racer }),
      ),
    );
    expect(statuses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(statuses.find((r) => r.status === 409)!.body.message).toBe(
      `username "${racer}" is taken`,
    );
  });

  it("refuses a usage range that ends before it starts, and reads one up to the calendar's end", async () => {
    const { account } = await h.admin.createAccount(uniqueName('range'));
    for (const path of ['usage', 'inspection']) {
      const backwards = await h
        .http()
        .get(`/admin/accounts/${account.id}/${path}?from=2026-12-10&to=2026-12-01`)
        .set(auth)
        .expect(400);
      expect(backwards.body.message).toBe('from must not be after to');
      const all = await h
        .http()
        .get(`/admin/accounts/${account.id}/${path}?from=0001-01-01&to=9999-12-31`)
        .set(auth)
        .expect(200);
      const usage = path === 'usage' ? all.body : all.body.usage;
      expect(usage).toMatchObject({ from: '0001-01-01', to: '9999-12-31', days: [] });
    }
  });

  it('refuses a contract dated after today, leaving the one in force as it was', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('later'));
    const before = (await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200)).body;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const refused = await h
      .http()
      .post(`/admin/accounts/${account.id}/contract`)
      .set(auth)
      .send({ plan: 'trial', date: tomorrow })
      .expect(400);
    expect(refused.body.message).toMatch(/cannot start after today/);
    const after = (await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200)).body;
    expect(after.contract).toEqual(before.contract);
    expect(after.history).toEqual(before.history);
  });

  it('refuses to reactivate a contract past its period, naming the day it expired', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('lapsed'), null);
    const contract = `/admin/accounts/${account.id}/contract`;
    await h.http().post(contract).set(auth).send({ plan: 'trial', date: '2025-06-01' }).expect(201);
    await h.http().patch(contract).set(auth).send({ status: 'suspended' }).expect(200);
    const refused = await h.http().patch(contract).set(auth).send({ status: 'active' }).expect(400);
    expect(refused.body.message).toBe(
      'this contract expired on 2026-06-01: sign a renewal to reactivate it',
    );
    const sub = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(sub.body.contract.status).toBe('suspended');
    // A renewal brings it back.
    await h.http().post(contract).set(auth).send({ plan: 'trial' }).expect(201);
    await h.http().patch(contract).set(auth).send({ status: 'suspended' }).expect(200);
    const back = await h.http().patch(contract).set(auth).send({ status: 'active' }).expect(200);
    expect(back.body.status).toBe('active');
  });

  it('validates input with clear 400s and 404s', async () => {
    const bad = await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .send({ username: 'x' })
      .expect(400);
    expect(bad.body.message).toMatch(/username must be 3-64/);
    await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .send({ username: uniqueName('u'), admin: true })
      .expect(400);
    await h
      .http()
      .post('/admin/accounts')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{not json')
      .expect(400);
    const name = uniqueName('dup');
    await h.admin.createAccount(name);
    await h.http().post('/admin/accounts').set(auth).send({ username: name }).expect(409);
    await h.http().get('/admin/accounts/not-a-uuid').set(auth).expect(400);
    for (const query of ['accountId=not-a-uuid', 'accountId=a&accountId=b']) {
      const refused = await h.http().get(`/admin/notifications?${query}`).set(auth).expect(400);
      expect(refused.body.message).toMatch(/uuid is expected/);
    }
    await h.http().get('/admin/notifications').set(auth).expect(200);
    await h
      .http()
      .get('/admin/accounts/00000000-0000-4000-8000-000000000000')
      .set(auth)
      .expect(404);
    const { account } = await h.admin.createAccount(uniqueName('plan'));
    await h
      .http()
      .post(`/admin/accounts/${account.id}/contract`)
      .set(auth)
      .send({ plan: 'gold' })
      .expect(404);
    await h
      .http()
      .put(`/admin/accounts/${account.id}/security`)
      .set(auth)
      .send({ ips: ['300.1.1.1'] })
      .expect(400);
  });

  it('runs one use case per operation: HTTP and CLI refuse a bad contract date alike, and set e-mail and retention', async () => {
    const { account } = await h.admin.createAccount(uniqueName('uc'));
    const http = await h
      .http()
      .post(`/admin/accounts/${account.id}/contract`)
      .set(auth)
      .send({ plan: 'trial', date: '2026-13-45' })
      .expect(400);
    const message =
      'date must be an ISO 8601 date or time in years 1 to 9999, e.g. 2026-12-01 or 2026-12-01T10:00:00Z';
    expect(JSON.stringify(http.body)).toContain(message);
    const byCli = await cli(
      'contract',
      'sign',
      account.username,
      '--plan',
      'trial',
      '--date',
      '2026-13-45',
    );
    expect(byCli).toEqual({ ok: false, out: `platewise: ${message}\n` });
    const today = new Date().toISOString().slice(0, 10);
    const renewed = await cli(
      'contract',
      'sign',
      account.username,
      '--plan',
      'trial',
      '--date',
      today,
    );
    expect(JSON.parse(renewed.out)).toMatchObject({ plan: 'trial', status: 'active' });

    const patched = await h
      .http()
      .patch(`/admin/accounts/${account.id}`)
      .set(auth)
      .send({ email: 'owner@example.com', readRetentionDays: 30 })
      .expect(200);
    expect(patched.body).toMatchObject({ email: 'owner@example.com', readRetentionDays: 30 });
    await h
      .http()
      .patch(`/admin/accounts/${account.id}`)
      .set(auth)
      .send({ email: 'nope' })
      .expect(400);
    const settings = await cli('account', 'settings', account.username, '--retention-days', '-1');
    expect(settings.out).toMatch(/readRetentionDays must not be less than 0/);
    const created = await cli(
      'account',
      'create',
      uniqueName('uc-cli'),
      '--email',
      'a@example.com',
      '--retention-days',
      '7',
    );
    expect(JSON.parse(created.out).account).toMatchObject({
      email: 'a@example.com',
      readRetentionDays: 7,
    });
  });

  it('requires the admin token', async () => {
    await h.http().get('/admin/plans').expect(401);
    await h
      .http()
      .get('/admin/plans')
      .set('Authorization', 'Bearer wrong-token-wrong-token')
      .expect(401);
    const plans = await h.http().get('/admin/plans').set(auth).expect(200);
    expect(plans.body.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['trial', 'pro']),
    );
    expect(plans.body.find((p: { name: string }) => p.name === 'trial')).toMatchObject({
      totalCalls: 2500,
      callsPerSecond: 1,
      allowAboveQuota: false,
    });
  });

  it('exposes Prometheus metrics to operators: request timings and recognition queue depth', async () => {
    await h.http().get('/metrics').expect(401);
    await h.http().get('/v2/subscription').expect(401);
    const res = await h.http().get('/metrics').set(auth).expect(200);
    expect(res.text).toMatch(
      /platewise_http_request_duration_seconds_count\{route="\/v2\/subscription",method="GET",status="401"\} \d+/,
    );
    expect(res.text).toMatch(/platewise_queue_jobs\{queue="recognition",state="waiting"\} \d+/);
  });

  describe('security settings on every authenticated route', () => {
    const setSecurity = (id: string, body: object) =>
      h.http().put(`/admin/accounts/${id}/security`).set(auth).send(body).expect(200);

    it('admits only listed client addresses (CIDR allowed)', async () => {
      const { account, apiKey } = await h.admin.createAccount(uniqueName('ips'));
      await setSecurity(account.id, { ips: ['203.0.113.0/24'] });
      const refused = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(403);
      expect(refused.body.message).toMatch(/not allowed/);
      await h.http().get('/v1/statistics/').set('Authorization', `Token ${apiKey}`).expect(403);
      await setSecurity(account.id, { ips: ['127.0.0.0/8', '::1'] });
      await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    });

    it('refuses browser calls unless the key is exposed, then admits only listed domains', async () => {
      const { account, apiKey } = await h.admin.createAccount(uniqueName('dom'));
      const fromBrowser = (origin: string) =>
        h.http().get(`/v2/subscription?api-key=${apiKey}`).set('Origin', origin);
      expect((await fromBrowser('https://app.example.com').expect(403)).body.message).toMatch(
        /exposeKey is false.*Security page/,
      );
      // this service's own pages (API docs, dashboard) are not another site
      await fromBrowser('https://api.platewise.test').set('Host', 'api.platewise.test').expect(200);
      await fromBrowser('https://api.platewise.test')
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(200);
      await setSecurity(account.id, { exposeKey: true, domains: ['*.example.com'] });
      const ok = await fromBrowser('https://app.example.com').expect(200);
      expect(ok.body.security).toEqual({ exposeKey: true, ips: [], domains: ['*.example.com'] });
      await fromBrowser('https://evil.test').expect(403);
      await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200); // server-side calls still work
    });
  });
});

describe('operator API without ADMIN_TOKEN', () => {
  it('refuses every call', async () => {
    const h = await startHarness({ adminToken: null });
    try {
      const res = await h
        .http()
        .get('/admin/plans')
        .set('Authorization', 'Bearer anything-at-all-here')
        .expect(403);
      expect(res.body.message).toMatch(/ADMIN_TOKEN/);
    } finally {
      await h.close();
    }
  });
});
