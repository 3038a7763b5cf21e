import { PasswordsService, UsageService } from '@platewise/domain';
import { ADMIN_TOKEN, Harness, signIn as signInAs, startHarness, uniqueName } from './harness';
import { LOGIN_LIMITS } from '../src/auth/session/login-throttle';

const PASSWORD = 'correct horse battery';

/** Signs in with PASSWORD unless told another. */
const signIn = (h: Harness, username: string, password = PASSWORD) =>
  signInAs(h, username, password);

describe('dashboard sessions (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function owner(name: string) {
    const created = await h.admin.createAccount(uniqueName(name), 'trial');
    await h
      .http()
      .put(`/admin/accounts/${created.account.id}/password`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ password: PASSWORD })
      .expect(204);
    return created;
  }

  it('signs in with the password the operator set, with httpOnly SameSite=Strict cookie flags', async () => {
    const { account } = await owner('signin');
    const { cookie, csrf, setCookie } = await signIn(h, account.username);
    expect(setCookie).toMatch(/^platewise_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=\d+/);
    const me = await h.http().get('/account/session').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({
      account: { id: account.id, username: account.username, operator: false },
      csrf,
    });
  });

  it('refuses a wrong password, an unknown user and an API key as password alike (401)', async () => {
    const { account, apiKey } = await owner('wrong');
    for (const [username, password] of [
      [account.username, 'not the password'],
      [uniqueName('nobody'), PASSWORD],
      [account.username, apiKey],
    ]) {
      const res = await h.http().post('/account/session').send({ username, password }).expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Wrong username or password.',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // nor can an operator make an API key a password
    await expect(h.app.get(PasswordsService).set(account.id, apiKey)).rejects.toThrow(/API key/);
  });

  it('requires the CSRF token on every state change: missing or wrong is 403, and nothing changes', async () => {
    const { account } = await owner('csrf');
    const { cookie, csrf } = await signIn(h, account.username);
    const before = await h.http().get('/account/keys').set('Cookie', cookie).expect(200);
    const missing = await h
      .http()
      .post('/account/keys')
      .set('Cookie', cookie)
      .send({ label: 'x' })
      .expect(403);
    expect(missing.body.message).toMatch(/CSRF/);
    await h
      .http()
      .post('/account/keys')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf.slice(1) + 'x')
      .send({})
      .expect(403);
    await h
      .http()
      .put('/account/security')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', 'nope')
      .send({ exposeKey: true })
      .expect(403);
    await h.http().post('/account/session/end').set('Cookie', cookie).send({}).expect(403);
    const after = await h.http().get('/account/keys').set('Cookie', cookie).expect(200);
    expect(after.body).toEqual(before.body);
    // another site's origin is refused even with the token
    await h
      .http()
      .post('/account/keys')
      .set({ Cookie: cookie, 'X-CSRF-Token': csrf, Origin: 'https://evil.example' })
      .send({})
      .expect(403);
    await h
      .http()
      .post('/account/keys')
      .set({ Cookie: cookie, 'X-CSRF-Token': csrf })
      .send({ label: 'ok' })
      .expect(201);
  });

  it("keeps tenants apart: A's session never reads or changes B's keys or webhooks", async () => {
    const a = await owner('tenant-a');
    const b = await owner('tenant-b');
    const sessionA = await signIn(h, a.account.username);
    const sessionB = await signIn(h, b.account.username);
    const withA = { Cookie: sessionA.cookie, 'X-CSRF-Token': sessionA.csrf };
    const bKeys = await h.http().get('/account/keys').set('Cookie', sessionB.cookie).expect(200);
    const bKeyId = bKeys.body[0].id as string;
    const hook = await h
      .http()
      .post('/v1/webhooks')
      .set('Authorization', `Token ${b.apiKey}`)
      .send({ target: 'http://93.184.216.34/b' })
      .expect(201);
    await h.http().delete(`/account/keys/${bKeyId}`).set(withA).expect(404);
    await h.http().post(`/account/keys/${bKeyId}/rotate`).set(withA).expect(404);
    await h.http().get(`/account/webhooks/${hook.body.id}/deliveries`).set(withA).expect(404);
    await h.http().delete(`/account/webhooks/${hook.body.id}`).set(withA).expect(404);
    await h.http().post(`/account/webhooks/${hook.body.id}/test`).set(withA).expect(404);
    // ids the API's routes refuse the same way: beyond the id column's range, and not a number
    await h.http().delete('/account/webhooks/99999999999').set(withA).expect(404);
    await h.http().get('/account/webhooks/99999999999/deliveries').set(withA).expect(404);
    await h.http().post('/account/webhooks/abc/test').set(withA).expect(400);
    // A's overview is A's, whatever the request says
    const overview = await h
      .http()
      .get(`/account/overview?accountId=${b.account.id}`)
      .set(withA)
      .expect(200);
    expect(overview.body.subscription.account.id).toBe(a.account.id);
    await h.http().get('/account/operator/accounts').set(withA).expect(403);
    // B's key still works and B's hook is still there
    await h.http().get('/v1/statistics/').set('Authorization', `Token ${b.apiKey}`).expect(200);
    const hooks = await h
      .http()
      .get('/account/webhooks')
      .set('Cookie', sessionB.cookie)
      .expect(200);
    expect(hooks.body.map((w: { id: number }) => w.id)).toEqual([hook.body.id]);
    // and a stolen-looking cookie value is just refused
    await h.http().get('/account/keys').set('Cookie', 'platewise_session=forged').expect(401);
  });

  it('throttles brute force: after the limit even the right password gets 429 with Retry-After', async () => {
    const { account } = await owner('brute');
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      await h
        .http()
        .post('/account/session')
        .send({ username: account.username, password: `guess-${i}-guess` })
        .expect(401);
    }
    const res = await h
      .http()
      .post('/account/session')
      .send({ username: account.username, password: PASSWORD })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.message).toMatch(/Too many failed sign-ins/);
  });

  it('signs out everywhere: every session of the account ends in Redis', async () => {
    const { account } = await owner('signout');
    const first = await signIn(h, account.username);
    const second = await signIn(h, account.username);
    const end = await h
      .http()
      .post('/account/session/end')
      .set({ Cookie: first.cookie, 'X-CSRF-Token': first.csrf })
      .send({ everywhere: true })
      .expect(204);
    expect((end.headers['set-cookie'] as unknown as string[])[0]).toMatch(/Max-Age=0/);
    await h.http().get('/account/session').set('Cookie', first.cookie).expect(401);
    await h.http().get('/account/session').set('Cookie', second.cookie).expect(401);
  });

  it('ends sessions when the operator resets the password, and keeps sign-up closed by default', async () => {
    const { account } = await owner('reset');
    const session = await signIn(h, account.username);
    await h.app.get(PasswordsService).set(account.id, 'a brand new password');
    await h.http().get('/account/session').set('Cookie', session.cookie).expect(401);
    await h
      .http()
      .post('/account/signup')
      .send({ username: uniqueName('self'), password: PASSWORD })
      .expect(403);
    // a form post from elsewhere cannot sign anyone in
    await h
      .http()
      .post('/account/session')
      .type('form')
      .send({ username: account.username, password: PASSWORD })
      .expect(415);
  });
});

describe('dashboard account routes (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let session: { cookie: string; csrf: string };
  let apiKey: string;
  let accountId: string;
  beforeAll(async () => {
    h = await startHarness();
    const created = await h.admin.createAccount(uniqueName('routes'), 'pro');
    ({ apiKey } = created);
    accountId = created.account.id;
    await h.app.get(PasswordsService).set(accountId, PASSWORD);
    session = await signIn(h, created.account.username);
  });
  afterAll(() => h.close());

  const get = (path: string) => h.http().get(path).set('Cookie', session.cookie);
  const send = (method: 'post' | 'put', path: string, body: object = {}) =>
    h.http()[method](path).set({ Cookie: session.cookie, 'X-CSRF-Token': session.csrf }).send(body);

  it("answers the overview with exactly the API key routes' numbers", async () => {
    await h.app.get(UsageService).record(accountId, 'plate_reader', false);
    const overview = (await get('/account/overview').expect(200)).body;
    const key = { Authorization: `Token ${apiKey}` };
    expect(overview.subscription).toEqual((await h.http().get('/v2/subscription').set(key)).body);
    expect(overview.statistics).toEqual((await h.http().get('/v1/statistics/').set(key)).body);
    expect(overview.daily).toEqual((await h.http().get('/v2/quota/daily').set(key)).body);
    expect(overview.statistics.usage.calls).toBe(1);
  });

  it('gives one entry per day of the range, zeros included, and the same as CSV', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const usage = (await get(`/account/usage?from=${from}&to=${today}`).expect(200)).body;
    expect(usage.days).toHaveLength(10);
    expect(usage.days[0].day).toBe(from);
    expect(usage.days.at(-1)).toEqual({
      day: today,
      count: { plate_reader: 1, redact: 0, stream: 0 },
      aboveQuota: { plate_reader: 0, redact: 0, stream: 0 },
    });
    const csv = await get(`/account/usage.csv?from=${from}&to=${today}`)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('day,request_type,count,above_quota');
    // one line per day and request type
    expect(lines).toHaveLength(31);
    expect(lines.slice(-3)).toEqual([
      `${today},plate_reader,1,0`,
      `${today},redact,0,0`,
      `${today},stream,0,0`,
    ]);
    await get(`/account/usage?from=${today}&to=${from}`).expect(400);
    await get('/account/usage?from=2020-01-01&to=2026-01-01').expect(400);
    await get('/account/usage?from=yesterday').expect(400);
    // The calendar's last days: nothing counted, and no 500 from the day after 9999-12-31.
    const last = (await get('/account/usage?from=9999-12-01&to=9999-12-31').expect(200)).body;
    expect(last.days).toHaveLength(31);
    await get('/account/usage.csv?from=9999-12-01&to=9999-12-31').expect(200);
  });

  it('rotates a key (old one refused at once) and validates security settings with a message', async () => {
    const keys = (await get('/account/keys').expect(200)).body;
    const rotated = (await send('post', `/account/keys/${keys[0].id}/rotate`).expect(201)).body;
    await h.http().get('/v1/statistics/').set('Authorization', `Token ${apiKey}`).expect(403);
    await h
      .http()
      .get('/v1/statistics/')
      .set('Authorization', `Token ${rotated.apiKey}`)
      .expect(200);
    const listed = (await get('/account/keys').expect(200)).body;
    expect(listed.find((k: { id: string }) => k.id === rotated.key.id).lastUsed).toEqual(
      expect.any(String),
    );
    const bad = await send('put', '/account/security', { ips: ['300.1.2.3'] }).expect(400);
    expect(bad.body.message).toMatch(/300\.1\.2\.3/);
    const good = await send('put', '/account/security', {
      exposeKey: true,
      domains: ['*.example.com'],
    }).expect(200);
    expect(good.body).toEqual({ exposeKey: true, ips: [], domains: ['*.example.com'] });
  });
});

describe('self-service sign-up with SIGNUP=open', () => {
  let h: Harness;
  beforeAll(async () => {
    process.env.SIGNUP = 'open';
    h = await startHarness();
  });
  afterAll(async () => {
    delete process.env.SIGNUP;
    await h.close();
  });

  it('creates a trial account and signs it in; weak passwords and API-key-shaped ones are refused', async () => {
    expect((await h.http().get('/account/signup').expect(200)).body).toEqual({ open: true });
    const username = uniqueName('self');
    await h.http().post('/account/signup').send({ username, password: 'short' }).expect(400);
    await h
      .http()
      .post('/account/signup')
      .send({ username, password: 'ab'.repeat(20) })
      .expect(400);
    const res = await h
      .http()
      .post('/account/signup')
      .send({ username, password: PASSWORD })
      .expect(201);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const overview = await h.http().get('/account/overview').set('Cookie', cookie).expect(200);
    expect(overview.body.subscription.contract.plan).toBe('trial');
    await h.http().post('/account/signup').send({ username, password: PASSWORD }).expect(409);
  });
});
