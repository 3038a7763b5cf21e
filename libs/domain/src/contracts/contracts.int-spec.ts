/**
 * ContractsService.sign on the real PostgreSQL: first signature, renewal, a plan changed the day
 * its period began, and what it refuses.
 */
import { ApiKeysService } from '../api-keys/api-keys.service';
import { InvalidInputError, NotFoundError } from '../errors';
import { PlansService } from '../plans/plans.service';
import { domainContext } from '../test-support/domain-context';
import { testPlan } from '../test-support/test-plan';
import { ContractsService } from './contracts.service';

describe('ContractsService.sign', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let contracts: ContractsService;

  beforeAll(async () => {
    ctx = await domainContext();
    contracts = ctx.app.get(ContractsService);
  });
  afterAll(() => ctx.close());

  it('signs a first contract for a year, from the start of the day (UTC)', async () => {
    const { accountId, plan } = await ctx.account();
    const signed = await contracts.sign(accountId, plan, new Date('2026-03-15T17:45:00Z'));
    expect(signed).toMatchObject({ accountId, status: 'active', plan: { name: plan } });
    expect(signed.firstSignatureDate.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    expect(signed.latestSignatureDate.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    expect(signed.nextSignatureDate.toISOString()).toBe('2027-03-15T00:00:00.000Z');
  });

  it('renews: a new period keeps the first signature date, the old one expires', async () => {
    const { accountId, plan } = await ctx.account();
    const first = await contracts.sign(accountId, plan, new Date('2025-01-10T00:00:00Z'));
    const renewed = await contracts.sign(accountId, plan, new Date('2026-01-10T08:00:00Z'));
    expect(renewed.id).not.toBe(first.id);
    expect(renewed.firstSignatureDate.toISOString()).toBe('2025-01-10T00:00:00.000Z');
    expect(renewed.latestSignatureDate.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    const periods = await contracts.periods(accountId);
    expect(periods.map((p) => p.status)).toEqual(['expired', 'active']);
    expect((await contracts.current(accountId))?.id).toBe(renewed.id);
  });

  it('a plan changed on the day its period began: the later signature is in force, one period', async () => {
    const { accountId, plan } = await ctx.account();
    const others = [ctx.unique('plan'), ctx.unique('plan')];
    for (const name of others) await ctx.app.get(PlansService).upsert(testPlan({ name }));
    await contracts.sign(accountId, plan, new Date('2026-12-07T03:45:00Z'));
    await contracts.sign(accountId, others[0], new Date('2026-12-07T03:47:00Z'));
    const last = await contracts.sign(accountId, others[1], new Date('2026-12-07T09:00:00Z'));
    expect((await contracts.current(accountId))?.id).toBe(last.id);
    const periods = await contracts.periods(accountId);
    expect(periods.map((p) => [p.plan.name, p.status])).toEqual([
      [plan, 'expired'],
      [others[0], 'expired'],
      [others[1], 'active'],
    ]);
    // what every authenticated call reads (the gateway's KeyOwner)
    const owner = await ctx.app.get(ApiKeysService).ownerOfAccount(accountId, 'session');
    expect(owner.contract).toMatchObject({
      id: last.id,
      status: 'active',
      plan: { name: others[1] },
    });
    expect(owner.periodStarts.map((d) => d.toISOString())).toEqual(['2026-12-07T00:00:00.000Z']);
  });

  it('refuses a renewal that starts before the current period, and an unknown plan', async () => {
    const { accountId, plan } = await ctx.account();
    await contracts.sign(accountId, plan, new Date('2026-06-01T00:00:00Z'));
    await expect(contracts.sign(accountId, plan, new Date('2026-05-31T00:00:00Z'))).rejects.toThrow(
      InvalidInputError,
    );
    await expect(contracts.sign(accountId, ctx.unique('no-such-plan'))).rejects.toThrow(
      NotFoundError,
    );
    expect(await contracts.periods(accountId)).toHaveLength(1);
  });
});
