import { UsageService } from '@platewise/domain';
import { PrismaService } from '@platewise/infra';
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe('contract tracking and statistics routes (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers /v2/subscription in the seed shape, filled from the database', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('sub'), 'pro');
    const res = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(res.body).toEqual({
      account: {
        id: account.id,
        username: account.username,
        name: { first: '', last: '' },
        created: expect.stringMatching(HTTP_DATE),
      },
      contract: {
        plan: 'pro',
        status: 'active',
        firstSignatureDate: expect.stringMatching(/00:00:00 GMT$/),
        latestSignatureDate: expect.stringMatching(/00:00:00 GMT$/),
        nextSignatureDate: expect.stringMatching(/00:00:00 GMT$/),
        indicativeYearlyQuota: 600000,
      },
      history: [
        {
          period: String(new Date().getUTCFullYear()),
          startDate: expect.stringMatching(HTTP_DATE),
          endDate: null,
          count: { plate_reader: 0, redact: 0, stream: 0 },
          aboveQuota: { plate_reader: 0, redact: 0, stream: 0 },
        },
      ],
      billing: { nextDueDate: res.body.contract.nextSignatureDate, estimatedAmount: 0 },
      security: { exposeKey: false, ips: [], domains: [] },
    });
  });

  it('accepts the key as "Authorization: Token" on /v2 too', async () => {
    const { apiKey } = await h.admin.createAccount(uniqueName('tok'));
    await h.http().get('/v2/subscription').set('Authorization', `Token ${apiKey}`).expect(200);
  });

  it('answers /v1/statistics/ with the monthly period that starts on the signature day', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stats'), 'trial');
    const usage = h.app.get(UsageService);
    await usage.record(account.id, 'plate_reader', false);
    await usage.record(account.id, 'plate_reader', false);
    const res = await h
      .http()
      .get('/v1/statistics/')
      .set('Authorization', `Token ${apiKey}`)
      .expect(200);
    const now = new Date();
    expect(res.body).toEqual({
      usage: {
        month: now.getUTCMonth() + 1,
        calls: 2,
        year: now.getUTCFullYear(),
        resets_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/),
      },
      total_calls: 2500,
    });
    // signed today, so the period resets on the same day next month
    const day = now.getUTCDate();
    expect(Number(res.body.usage.resets_on.slice(8, 10))).toBe(
      Math.min(day, Number(res.body.usage.resets_on.slice(8, 10))),
    );
    await h.http().get('/v1/statistics').set('Authorization', `Token ${apiKey}`).expect(200);
  });

  it('lists one entry per day since the contract started, newest first, with per-period history', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('hist'), null);
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const today = new Date();
    const start = new Date(today.getTime() - 3 * 86_400_000);
    await h
      .http()
      .post(`/admin/accounts/${account.id}/contract`)
      .set(auth)
      .send({ plan: 'pro', date: start.toISOString() })
      .expect(201);
    const usage = h.app.get(UsageService);
    await usage.record(account.id, 'plate_reader', false, new Date(today.getTime() - 86_400_000));
    await usage.record(account.id, 'plate_reader', true, today);
    await usage.record(account.id, 'plate_reader', true, today);

    const res = await h.http().get(`/v2/quota/history?api-key=${apiKey}`).expect(200);
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    expect(res.body).toEqual([
      {
        day: iso(today),
        quota: { plate_reader: { count: 2 }, redact: { count: 0 }, stream: { count: 0 } },
      },
      {
        day: iso(new Date(today.getTime() - 86_400_000)),
        quota: { plate_reader: { count: 1 }, redact: { count: 0 }, stream: { count: 0 } },
      },
      {
        day: iso(new Date(today.getTime() - 2 * 86_400_000)),
        quota: { plate_reader: { count: 0 }, redact: { count: 0 }, stream: { count: 0 } },
      },
      {
        day: iso(start),
        quota: { plate_reader: { count: 0 }, redact: { count: 0 }, stream: { count: 0 } },
      },
    ]);

    const daily = await h.http().get(`/v2/quota/daily?api-key=${apiKey}`).expect(200);
    expect(daily.body.day).toBe(iso(today));
    expect(daily.body.quota.plate_reader.count).toBe(2);
    expect(daily.body.quota.plate_reader.remaining).toBeLessThanOrEqual(50000 - 2);

    // pro: 0.004 EUR per above-quota call; 2 such calls → 0.008 → 0.01
    const sub = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(sub.body.history[0].count).toEqual({ plate_reader: 3, redact: 0, stream: 0 });
    expect(sub.body.history[0].aboveQuota).toEqual({ plate_reader: 2, redact: 0, stream: 0 });
    expect(sub.body.billing.estimatedAmount).toBe(0.01);

    // a renewal opens a new period: the old one gets an end date, the new one starts empty
    await h
      .http()
      .post(`/admin/accounts/${account.id}/contract`)
      .set(auth)
      .send({ plan: 'business' })
      .expect(201);
    const renewed = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(renewed.body.contract.plan).toBe('business');
    expect(renewed.body.contract.firstSignatureDate).toBe(sub.body.contract.firstSignatureDate);
    expect(renewed.body.history).toHaveLength(2);
    expect(renewed.body.history[1].endDate).toBe(renewed.body.contract.latestSignatureDate);
  });

  it("refuses missing and unknown keys with each API family's status code and JSON body", async () => {
    await h
      .http()
      .get('/v2/subscription')
      .expect(401)
      .expect((r) => expect(r.body.message).toMatch(/not provided/));
    await h
      .http()
      .get('/v2/subscription?api-key=nope')
      .expect(401)
      .expect((r) => expect(r.body.message).toBe('Invalid token.'));
    await h
      .http()
      .get('/v1/statistics/')
      .expect(403)
      .expect((r) =>
        expect(r.body).toEqual({ detail: 'Authentication credentials were not provided.' }),
      );
    await h
      .http()
      .get('/v1/statistics/')
      .set('Authorization', 'Token nope')
      .expect(403)
      .expect((r) => expect(r.body).toEqual({ detail: 'Invalid token.' }));
  });

  it('isolates tenants: each key sees only its own account', async () => {
    const a = await h.admin.createAccount(uniqueName('iso-a'), 'pro');
    const b = await h.admin.createAccount(uniqueName('iso-b'), 'trial');
    const usage = h.app.get(UsageService);
    for (let i = 0; i < 3; i++) await usage.record(a.account.id, 'plate_reader', false);
    const subA = await h.http().get(`/v2/subscription?api-key=${a.apiKey}`).expect(200);
    const subB = await h.http().get(`/v2/subscription?api-key=${b.apiKey}`).expect(200);
    expect(subA.body.account.id).toBe(a.account.id);
    expect(subB.body.account.id).toBe(b.account.id);
    expect(subA.body.history[0].count.plate_reader).toBe(3);
    expect(subB.body.history[0].count.plate_reader).toBe(0);
    const statsB = await h
      .http()
      .get('/v1/statistics/')
      .set('Authorization', `Token ${b.apiKey}`)
      .expect(200);
    expect(statsB.body.usage.calls).toBe(0);
    // an API key opens no door to the operator API
    await h.http().get('/admin/accounts').set('Authorization', `Token ${a.apiKey}`).expect(401);
  });

  it('round-trips every model through Prisma Client on the migrated database', async () => {
    const prisma = h.app.get(PrismaService);
    const account = await prisma.account.create({
      data: { username: uniqueName('rt'), firstName: 'Ada', lastName: 'L' },
    });
    const plan = await prisma.plan.create({
      data: {
        name: uniqueName('p'),
        monthlyCalls: 5,
        indicativeYearlyQuota: 60,
        callsPerSecond: 2,
        allowAboveQuota: true,
        aboveQuotaUnitPrice: '0.012345',
        mmcIncluded: true,
        maxUploadBytes: 1024,
      },
    });
    const day = new Date('2026-01-02T00:00:00Z');
    await prisma.apiKey.create({
      data: { accountId: account.id, keyHash: uniqueName('h'), prefix: 'abcd1234', label: 'x' },
    });
    await prisma.contract.create({
      data: {
        accountId: account.id,
        planId: plan.id,
        status: 'suspended',
        firstSignatureDate: day,
        latestSignatureDate: day,
        nextSignatureDate: day,
      },
    });
    await prisma.securitySettings.create({
      data: { accountId: account.id, exposeKey: true, ips: ['10.0.0.0/8'], domains: ['a.test'] },
    });
    await prisma.dailyUsage.create({
      data: { accountId: account.id, day, requestType: 'plate_reader', count: 7, aboveQuota: 2 },
    });

    const back = await prisma.account.findUniqueOrThrow({
      where: { id: account.id },
      include: {
        apiKeys: true,
        contracts: { include: { plan: true } },
        security: true,
        usage: true,
      },
    });
    expect(back).toMatchObject({ firstName: 'Ada', lastName: 'L' });
    expect(back.apiKeys[0]).toMatchObject({ prefix: 'abcd1234', label: 'x', revokedAt: null });
    expect(back.contracts[0]).toMatchObject({ status: 'suspended', latestSignatureDate: day });
    expect(back.contracts[0].plan.aboveQuotaUnitPrice.toString()).toBe('0.012345');
    expect(back.contracts[0].plan).toMatchObject({
      allowAboveQuota: true,
      mmcIncluded: true,
      maxUploadBytes: 1024,
    });
    expect(back.security).toMatchObject({
      exposeKey: true,
      ips: ['10.0.0.0/8'],
      domains: ['a.test'],
    });
    expect(back.usage[0]).toMatchObject({
      day,
      requestType: 'plate_reader',
      count: 7,
      aboveQuota: 2,
    });
    await prisma.account.delete({ where: { id: account.id } });
    expect(await prisma.dailyUsage.count({ where: { accountId: account.id } })).toBe(0);
  });
});
