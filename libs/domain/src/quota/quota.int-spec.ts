/**
 * QuotaService's Lua on the real Redis: the per-second window, the monthly counter loaded once
 * from PostgreSQL, overage, and release.
 */
import { RedisService, type ScriptCall } from '@platewise/infra';
import { ContractsService } from '../contracts/contracts.service';
import { monthlyPeriod } from '../contracts/periods';
import { QuotaRefusedError } from '../errors';
import { domainContext } from '../test-support/domain-context';
import { UsageService } from '../usage/usage.service';
import { QuotaService } from './quota.service';

describe('QuotaService.reserve (Lua on the real Redis)', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let quota: QuotaService;
  const now = new Date();

  beforeAll(async () => {
    ctx = await domainContext();
    quota = ctx.app.get(QuotaService);
  });
  afterAll(() => ctx.close());

  async function signed(plan: Parameters<typeof ctx.account>[0]) {
    const { accountId, plan: name } = await ctx.account(plan);
    await ctx.app.get(ContractsService).sign(accountId, name, now);
    return accountId;
  }
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: QuotaRefusedError) => e.reason,
    );

  it('throttles over callsPerSecond within one second, without touching the monthly count', async () => {
    const accountId = await signed({ callsPerSecond: 2 });
    const first = await quota.reserve(accountId, 'plate_reader', now);
    expect(first.state).toMatchObject({ remainingThisSecond: 1, usedThisPeriod: 1 });
    await quota.reserve(accountId, 'plate_reader', now);
    expect(await refusal(quota.reserve(accountId, 'plate_reader', now))).toBe('throttled');
    // The next second has a window of its own; the month counted 2 + this one.
    const later = await quota.reserve(accountId, 'plate_reader', new Date(now.getTime() + 1000));
    expect(later.state.usedThisPeriod).toBe(3);
  });

  it('counts every request type against the one monthly allowance', async () => {
    const accountId = await signed({ totalCalls: 10 });
    const usage = ctx.app.get(UsageService);
    for (let i = 0; i < 3; i++) await usage.record(accountId, 'plate_reader', false, now);
    for (let i = 0; i < 2; i++) await usage.record(accountId, 'redact', false, now);
    const r = await quota.reserve(accountId, 'redact', now);
    expect(r.state.usedThisPeriod).toBe(6);
    const next = await quota.reserve(accountId, 'plate_reader', now);
    expect(next.state.usedThisPeriod).toBe(7);
  });

  it('loads the period count from PostgreSQL on first use, then counts in Redis', async () => {
    const accountId = await signed({ totalCalls: 10 });
    const usage = ctx.app.get(UsageService);
    for (let i = 0; i < 4; i++) await usage.record(accountId, 'plate_reader', false, now);
    const r = await quota.reserve(accountId, 'plate_reader', now);
    expect(r.state.usedThisPeriod).toBe(5);
    expect(r.aboveQuota).toBe(false);
    const period = monthlyPeriod(
      (await ctx.app.get(ContractsService).current(accountId))!.latestSignatureDate,
      now,
    );
    expect(
      await ctx.app.get(RedisService).get(`quota:${accountId}:${period.start.toISOString()}`),
    ).toBe('5');
  });

  it('refuses once the month is used up without overage, and release gives a slot back', async () => {
    const accountId = await signed({ totalCalls: 2 });
    await quota.reserve(accountId, 'plate_reader', now);
    const second = await quota.reserve(accountId, 'plate_reader', now);
    expect(await refusal(quota.reserve(accountId, 'plate_reader', now))).toBe('monthly_quota_used');
    await second.release();
    await second.release(); // once only
    const again = await quota.reserve(accountId, 'plate_reader', now);
    expect(again.state.usedThisPeriod).toBe(2);
  });

  it('serves above the monthly limit when the plan allows overage, marked aboveQuota', async () => {
    const accountId = await signed({ totalCalls: 1, allowAboveQuota: true });
    expect((await quota.reserve(accountId, 'plate_reader', now)).aboveQuota).toBe(false);
    const over = await quota.reserve(accountId, 'plate_reader', now);
    expect(over).toMatchObject({ aboveQuota: true, state: { usedThisPeriod: 2 } });
  });

  it('refuses an account without a contract, or with one that is not active', async () => {
    const { accountId } = await ctx.account();
    expect(await refusal(quota.reserve(accountId, 'plate_reader', now))).toBe('no_contract');
    const suspended = await signed({});
    await ctx.app.get(ContractsService).setStatus(suspended, 'suspended');
    expect(await refusal(quota.reserve(suspended, 'plate_reader', now))).toBe('contract_inactive');
    // each says what the customer can do about it
    await expect(quota.reserve(suspended, 'plate_reader', now)).rejects.toThrow(/reactivated/);
    const expired = await signed({});
    await ctx.app.get(ContractsService).setStatus(expired, 'expired');
    await expect(quota.reserve(expired, 'plate_reader', now)).rejects.toThrow(/expired\. Renew/);
  });

  it('runs a step given with the reservation in the same script once the slot is granted, and only then', async () => {
    const accountId = await signed({ callsPerSecond: 1 });
    const redis = ctx.app.get(RedisService);
    const list = `step-spec:${accountId}`;
    // Queued ahead of the script, kept when the slot is granted, taken back when refused.
    const then = {
      before: ((t) => t.lpush(list, 'job')) as ScriptCall['before'],
      lua: "redis.call('LPUSH', KEYS[1], ARGV[1])",
      undo: "redis.call('LTRIM', KEYS[1], 1, -1)",
      keys: [list],
      args: ['granted'],
    };
    // The month's counter is not loaded yet: the first run is refused as {-3} and runs again.
    await quota.reserve(accountId, 'plate_reader', now, undefined, then);
    expect(await redis.lrange(list, 0, -1)).toEqual(['granted', 'job']);
    expect(await refusal(quota.reserve(accountId, 'plate_reader', now, undefined, then))).toBe(
      'throttled',
    );
    expect(await redis.llen(list)).toBe(2);
    await redis.del(list);
  });
});
