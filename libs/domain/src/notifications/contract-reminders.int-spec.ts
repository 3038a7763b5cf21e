/**
 * Contract reminders on the real PostgreSQL: which contracts in force are told, once each, and
 * which are not (far from their end, suspended, renewed, long expired).
 */
import { ContractsService } from '../contracts/contracts.service';
import { domainContext } from '../test-support/domain-context';
import { ContractReminders } from './contract-reminders';
import { NotificationsService } from './notifications.service';

const DAY = 86_400_000;

describe('ContractReminders', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let reminders: ContractReminders;
  let notices: NotificationsService;
  let contracts: ContractsService;
  const now = new Date();
  const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

  beforeAll(async () => {
    ctx = await domainContext();
    reminders = ctx.app.get(ContractReminders);
    notices = ctx.app.get(NotificationsService);
    contracts = ctx.app.get(ContractsService);
  });
  afterAll(() => ctx.close());

  /** An account whose contract was signed `signedDaysAgo` days ago (a year before its end). */
  async function signed(signedDaysAgo: number) {
    const { accountId, plan } = await ctx.account();
    await contracts.sign(accountId, plan, daysAgo(signedDaysAgo));
    return { accountId, plan };
  }
  const told = async (accountId: string) =>
    (await notices.list(accountId)).map((n) => ({ kind: n.kind, message: n.message }));

  it('tells 30 days, then 7 days before the end, and once it has expired: each once', async () => {
    const { accountId, plan } = await signed(340);
    const end = (await contracts.current(accountId))!.nextSignatureDate;
    const day = end.toISOString().slice(0, 10);
    const left = Math.ceil((end.getTime() - now.getTime()) / DAY);

    await reminders.run(now);
    await reminders.run(now);
    expect(await told(accountId)).toEqual([
      {
        kind: 'contract.expiring',
        message: `Your contract (plan ${plan}) expires on ${day}, in ${left} days: from then, calls are refused (403) until it is renewed. Ask your operator to renew it.`,
      },
    ]);

    const weekBefore = new Date(end.getTime() - 6 * DAY);
    await reminders.run(weekBefore);
    await reminders.run(weekBefore);
    const afterEnd = new Date(end.getTime() + DAY);
    await reminders.run(afterEnd);
    await reminders.run(afterEnd);
    const all = await told(accountId);
    expect(all.map((n) => n.kind)).toEqual([
      'contract.expired',
      'contract.expiring',
      'contract.expiring',
    ]);
    expect(all[1]!.message).toMatch(new RegExp(`expires on ${day}, in 6 days`));
    expect(all[0]!.message).toBe(
      `Your contract (plan ${plan}) expired on ${day}: calls are refused (403) until it is renewed. Ask your operator to renew it.`,
    );
  });

  it('tells only the nearest reminder on a first look, and nothing far from the end', async () => {
    const near = await signed(362); // about 3 days left
    const far = await signed(200);
    await reminders.run(now);
    const nearTold = await told(near.accountId);
    expect(nearTold).toHaveLength(1);
    expect(nearTold[0]!.message).toMatch(/in [34] days/);
    expect(await told(far.accountId)).toEqual([]);
  });

  it('tells no suspended, renewed or long-expired contract', async () => {
    const suspended = await signed(350);
    await contracts.setStatus(suspended.accountId, 'suspended');
    const renewed = await signed(350);
    await contracts.sign(renewed.accountId, renewed.plan, now);
    const longGone = await signed(400);
    await reminders.run(now);
    for (const { accountId } of [suspended, renewed, longGone])
      expect(await told(accountId)).toEqual([]);
  });
});
