/**
 * The account routes keep their answers until the account's usage changes (UsageVersions): what
 * they answer must be what they would compute afresh, count every call at once, and see usage
 * written by other processes as soon as the database's notification arrives.
 */
import { randomUUID } from 'node:crypto';
import {
  ApiKeysService,
  NotFoundError,
  SecurityService,
  UsageService,
  UsageVersions,
} from '@platewise/domain';
import { PrismaService } from '@platewise/infra';
import { UsageReportsService } from '../src/usage-reports/usage-reports.service';
import { Harness, startHarness, uniqueName } from './harness';

const PLANTNET_ROUTES = ['/v2/subscription', '/v2/quota/daily', '/v2/quota/history'];
const ROUTES = [...PLANTNET_ROUTES, '/v1/statistics/', '/info/'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kept account answers (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const get = (path: string, apiKey: string) =>
    h.http().get(path).set('Authorization', `Token ${apiKey}`).expect(200);
  const calls = async (apiKey: string) =>
    (await get('/v1/statistics/', apiKey)).body.usage.calls as number;

  it('answers what a service without kept answers computes, route by route', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('kept'), 'pro');
    const usage = h.app.get(UsageService);
    await usage.record(account.id, 'plate_reader', false, new Date(Date.now() - 86_400_000));
    await usage.record(account.id, 'plate_reader', true);
    // The key's owner as the gateway reads it (other tests' changes may empty its cache meanwhile).
    const owner = await h.app.get(ApiKeysService).authenticate(apiKey);
    expect(owner).not.toBeNull();
    // Its UsageVersions never hears anything, so it computes every answer.
    const fresh = new UsageReportsService(usage, new UsageVersions());
    for (let i = 0; i < 2; i++) {
      expect((await get('/v1/statistics/', apiKey)).body).toEqual(await fresh.statistics(owner!));
      expect((await get('/v2/subscription', apiKey)).body).toEqual(
        await fresh.subscription(owner!),
      );
      expect((await get('/v2/quota/daily', apiKey)).body).toEqual(await fresh.daily(owner!));
      const history = await get('/v2/quota/history', apiKey);
      expect(history.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(history.text).toBe(JSON.stringify(await fresh.history(owner!)));
      expect((await get('/info/', apiKey)).body.usage.calls).toBe(
        (await fresh.statistics(owner!)).usage.calls,
      );
    }
  });

  it("builds a dashboard session's owner exactly as the account's API key resolves", async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('session-owner'), 'pro');
    await h
      .http()
      .post('/v1/webhooks')
      .set('Authorization', `Token ${apiKey}`)
      .send({ target: 'http://93.184.216.34/owner' })
      .expect(201);
    await h.app.get(SecurityService).update(account.id, { ips: ['203.0.113.0/24'] });
    const keys = h.app.get(ApiKeysService);
    const byKey = await keys.authenticate(apiKey);
    expect(byKey!.webhooks).toHaveLength(1);
    expect(byKey!.security.ips).toEqual(['203.0.113.0/24']);
    expect(await keys.ownerOfAccount(account.id, 'session')).toEqual({
      ...byKey,
      keyId: 'session',
    });
    await expect(keys.ownerOfAccount(randomUUID(), 'session')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("counts each call at once on every route, and only in its own account's answers", async () => {
    const a = await h.admin.createAccount(uniqueName('kept-a'), 'pro');
    const b = await h.admin.createAccount(uniqueName('kept-b'), 'pro');
    for (const route of ROUTES) await get(route, a.apiKey);
    const before = await Promise.all(ROUTES.map(async (r) => (await get(r, b.apiKey)).text));
    const usage = h.app.get(UsageService);
    for (let n = 1; n <= 3; n++) {
      await usage.record(a.account.id, 'plate_reader', false);
      expect(await calls(a.apiKey)).toBe(n);
      expect((await get('/info/', a.apiKey)).body.usage.calls).toBe(n);
      expect((await get('/v2/quota/daily', a.apiKey)).body.quota.plate_reader.count).toBe(n);
      expect((await get('/v2/quota/history', a.apiKey)).body[0].quota.plate_reader.count).toBe(n);
      expect((await get('/v2/subscription', a.apiKey)).body.history[0].count.plate_reader).toBe(n);
    }
    const after = await Promise.all(ROUTES.map(async (r) => (await get(r, b.apiKey)).text));
    expect(after).toEqual(before);
  });

  it('sees usage another process wrote once the database notifies it', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('kept-db'), 'pro');
    expect(await calls(apiKey)).toBe(0);
    expect(await calls(apiKey)).toBe(0);
    const prisma = h.app.get(PrismaService);
    const day = new Date(new Date().toISOString().slice(0, 10));
    await prisma.dailyUsage.create({
      data: { accountId: account.id, day, requestType: 'plate_reader', count: 5 },
    });
    let seen = 0;
    for (let i = 0; i < 150 && seen !== 5; i++) {
      seen = await calls(apiKey);
      if (seen !== 5) await sleep(20);
    }
    expect(seen).toBe(5);
    await prisma.dailyUsage.deleteMany({ where: { accountId: account.id } });
    for (let i = 0; i < 150 && seen !== 0; i++) {
      seen = await calls(apiKey);
      if (seen !== 0) await sleep(20);
    }
    expect(seen).toBe(0);
  });
});
