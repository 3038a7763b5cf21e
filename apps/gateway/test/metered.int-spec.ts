import { Controller, InternalServerErrorException, Post, Query } from '@nestjs/common';
import { UsageService } from '@platewise/domain';
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';
import { Context } from '../src/auth/request.decorators';
import type { RequestContext } from '../src/http/request-context';
import { Metered } from '../src/quota/metered';
import { MetricsService } from '../src/metrics/metrics.service';

/** The `effect` of each call whose `whenCounted` ran (what recognition calls deliver further). */
const effectsRun: string[] = [];

/** Stands in for the recognition route, which arrives later, to exercise the real guard chain. */
@Controller('v1/probe')
class ProbeController {
  @Post()
  @Metered('plate_reader')
  async call(
    @Context() context: RequestContext,
    @Query('fail') fail?: string,
    @Query('delay') delay?: string,
    @Query('effect') effect?: string,
    @Query('countIf') countIf?: 'yes' | 'no',
  ) {
    if (effect)
      context.whenCounted!({
        what: 'probe effect',
        run: () => {
          effectsRun.push(effect);
          if (effect === 'throws') throw new Error('the webhook queue is away');
        },
      });
    if (fail) throw new InternalServerErrorException('engine failure');
    // Counted before its answer, if the check says so (as a stream event taking its key is).
    const counted = countIf && (await context.countIf!(async () => countIf === 'yes'));
    if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay)));
    return countIf ? { ok: true, counted } : { ok: true };
  }
}

describe('quota and rate-limit guard (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let usage: UsageService;
  const today = () => new Date();
  const countOf = async (accountId: string) => {
    const rows = await usage.daily(accountId, today(), new Date(Date.now() + 86_400_000));
    return rows.find((r) => r.requestType === 'plate_reader') ?? { count: 0, aboveQuota: 0 };
  };
  const call = (key: string, query = '') =>
    h.http().post(`/v1/probe${query}`).set('Authorization', `Token ${key}`);

  beforeAll(async () => {
    h = await startHarness({ controllers: [ProbeController] });
    usage = h.app.get(UsageService);
  });
  afterAll(() => h.close());

  it('counts exactly under concurrency: 1,000 calls from 50 callers across two accounts', async () => {
    const plan = uniqueName('load');
    await h.admin.savePlan({ name: plan, totalCalls: 100000, callsPerSecond: 100000 });
    const a = await h.admin.createAccount(uniqueName('load-a'), plan);
    const b = await h.admin.createAccount(uniqueName('load-b'), plan);
    const plannedA = 600;
    const plannedB = 400;
    const queue = [...Array(plannedA).fill(a.apiKey), ...Array(plannedB).fill(b.apiKey)].sort(
      () => Math.random() - 0.5,
    );
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let key = queue.pop(); key; key = queue.pop()) statuses.push((await call(key)).status);
      }),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1000);
    expect(await countOf(a.account.id)).toMatchObject({ count: plannedA, aboveQuota: 0 });
    expect(await countOf(b.account.id)).toMatchObject({ count: plannedB, aboveQuota: 0 });
    const stats = await h
      .http()
      .get('/v1/statistics/')
      .set('Authorization', `Token ${b.apiKey}`)
      .expect(200);
    expect(stats.body.usage.calls).toBe(plannedB);
  });

  it("throttles over the per-second limit with Plate Recognizer's 429 body, without counting", async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('rate'), 'trial'); // 1 call/s
    const refusals = h.app.get(MetricsService).quotaRefusals;
    const refusedBefore =
      (await refusals.get()).values.find((v) => v.labels.reason === 'throttled')?.value ?? 0;
    const results = await Promise.all(Array.from({ length: 6 }, () => call(apiKey)));
    const throttled = results.filter((r) => r.status === 429);
    const served = results.filter((r) => r.status === 201);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(2); // the six calls may straddle two one-second windows
    expect(throttled.length).toBe(6 - served.length);
    expect(throttled[0].body).toEqual({
      detail: 'Request was throttled. Expected available in 1 second.',
      status_code: 429,
    });
    expect((await countOf(account.id)).count).toBe(served.length);
    // Operators see the refusals: platewise_quota_refusals_total{reason="throttled"}.
    const refusedAfter =
      (await refusals.get()).values.find((v) => v.labels.reason === 'throttled')?.value ?? 0;
    expect(refusedAfter - refusedBefore).toBe(throttled.length);
  });

  it('sends RateLimit-Policy and RateLimit headers', async () => {
    const { apiKey } = await h.admin.createAccount(uniqueName('hdr'), 'pro'); // 8 calls/s, 50,000 a month
    const res = await call(apiKey).expect(201);
    expect(res.headers['ratelimit-policy']).toBe('"burst";q=8;w=1, "monthly";q=50000;w=2592000');
    expect(res.headers['ratelimit']).toMatch(/^"burst";r=7;t=1, "monthly";r=49999;t=\d+$/);
  });

  it('refuses calls over the monthly limit with 403 when the plan has no overage', async () => {
    const plan = uniqueName('tiny');
    await h.admin.savePlan({ name: plan, totalCalls: 3, allowAboveQuota: false });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('cap'), plan);
    for (let i = 0; i < 3; i++) await call(apiKey).expect(201);
    const refused = await call(apiKey).expect(403);
    expect(refused.body.detail).toMatch(/Monthly quota of 3 calls exceeded/);
    expect((await countOf(account.id)).count).toBe(3);
  });

  it('serves calls above the monthly limit when overage is allowed, counted as aboveQuota', async () => {
    const plan = uniqueName('over');
    await h.admin.savePlan({
      name: plan,
      totalCalls: 2,
      allowAboveQuota: true,
      aboveQuotaUnitPrice: 0.5,
    });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('over'), plan);
    for (let i = 0; i < 5; i++) await call(apiKey).expect(201);
    expect(await countOf(account.id)).toMatchObject({ count: 5, aboveQuota: 3 });
    const sub = await h.http().get(`/v2/subscription?api-key=${apiKey}`).expect(200);
    expect(sub.body.billing.estimatedAmount).toBe(1.5);
  });

  it('never counts a call that failed on our side, and gives its quota slot back', async () => {
    const plan = uniqueName('fail');
    await h.admin.savePlan({ name: plan, totalCalls: 2, allowAboveQuota: false });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('fail'), plan);
    for (let i = 0; i < 3; i++) {
      const res = await call(apiKey, '?fail=1&effect=failed').expect(500);
      expect(res.body).toEqual({ detail: 'engine failure' });
    }
    expect((await countOf(account.id)).count).toBe(0);
    await call(apiKey, '?effect=served').expect(201);
    await call(apiKey).expect(201);
    await call(apiKey, '?effect=refused').expect(403);
    // What a call delivers beyond its answer: only for the one counted.
    expect(effectsRun).toEqual(['served']);
  });

  it("logs an effect of a counted call that fails, and keeps the call's answer and count", async () => {
    const plan = uniqueName('effect');
    await h.admin.savePlan({ name: plan, totalCalls: 10, allowAboveQuota: false });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('effect'), plan);
    expect((await call(apiKey, '?effect=throws').expect(201)).body).toEqual({ ok: true });
    await call(apiKey).expect(201);
    expect(effectsRun).toContain('throws');
    expect((await countOf(account.id)).count).toBe(2);
  });

  it('bills nothing to a caller gone before its answer, and gives its quota slot back', async () => {
    const plan = uniqueName('gone');
    await h.admin.savePlan({ name: plan, totalCalls: 1, allowAboveQuota: false });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('gone'), plan);
    // The client stops waiting (its socket closed) while the call is still being served.
    await expect(call(apiKey, '?delay=400&effect=gone').timeout(100)).rejects.toMatchObject({
      timeout: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await countOf(account.id)).count).toBe(0);
    expect(effectsRun).not.toContain('gone');
    // The one call of the plan is still there to be served, and counted.
    await call(apiKey).expect(201);
    expect((await countOf(account.id)).count).toBe(1);
    await call(apiKey).expect(403);
  });

  it('counts a call through countIf before its answer, kept when its caller then leaves; one it declined is never counted', async () => {
    const plan = uniqueName('count-if');
    await h.admin.savePlan({ name: plan, totalCalls: 2, allowAboveQuota: false });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('count-if'), plan);
    // Declined: answered as the handler chose, yet not counted at its answer, its slot given back.
    expect((await call(apiKey, '?countIf=no&effect=declined').expect(201)).body).toEqual({
      ok: true,
      counted: false,
    });
    expect((await countOf(account.id)).count).toBe(0);
    expect(effectsRun).not.toContain('declined');
    // Counted before its answer: its caller leaving afterwards takes nothing back.
    await expect(
      call(apiKey, '?countIf=yes&delay=400&effect=early').timeout(100),
    ).rejects.toMatchObject({ timeout: 100 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await countOf(account.id)).count).toBe(1);
    expect(effectsRun).toContain('early');
    // The declined call's slot was given back: the plan's second call is still there.
    expect((await call(apiKey, '?countIf=yes').expect(201)).body).toEqual({
      ok: true,
      counted: true,
    });
    expect((await countOf(account.id)).count).toBe(2);
    await call(apiKey).expect(403);
  });

  it('refuses calls without an active contract', async () => {
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const none = await h.admin.createAccount(uniqueName('nocontract'), null);
    expect((await call(none.apiKey).expect(403)).body.detail).toMatch(/no contract/);
    const suspended = await h.admin.createAccount(uniqueName('susp'), 'pro');
    await h
      .http()
      .patch(`/admin/accounts/${suspended.account.id}/contract`)
      .set(auth)
      .send({ status: 'suspended' })
      .expect(200);
    expect((await call(suspended.apiKey).expect(403)).body.detail).toMatch(/suspended/);
  });
});
