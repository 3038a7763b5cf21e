/**
 * Notices raised while the account's address is unconfirmed, on the real PostgreSQL and Redis:
 * held, then e-mailed once an address is confirmed (by its link, or set by an operator), each once
 * and to the address confirmed in the end, and not when stale or when the address was removed;
 * still held when the queue refuses them at the confirmation, and sent by the sweep later, once.
 * The e-mails are read off EMAIL_QUEUE on a Redis prefix of this file's own, where no worker
 * takes them.
 */
import { randomUUID } from 'node:crypto';
import { AppConfig, PrismaService, queueOptions } from '@platewise/infra';
import { Queue } from 'bullmq';
import { AccountsService } from '../accounts/accounts.service';
import { EmailConfirmationsService } from '../accounts/email-confirmations.service';
import { domainContext } from '../test-support/domain-context';
import { EMAIL_QUEUE, type ConfirmationJob, type EmailJob } from './email-job';
import { HELD_MAIL_LIMIT, type Notice, NotificationsService } from './notifications.service';

describe('notices held while the address is unconfirmed', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let confirmations: EmailConfirmationsService;
  let notifications: NotificationsService;
  let accounts: AccountsService;
  let prisma: PrismaService;
  let queue: Queue<EmailJob | ConfirmationJob>;

  beforeAll(async () => {
    ctx = await domainContext({
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'platewise-test:'}held-${randomUUID().slice(0, 8)}:`,
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'platewise <alpr@example.com>',
      PUBLIC_URL: 'https://alpr.example.com',
    });
    confirmations = ctx.app.get(EmailConfirmationsService);
    notifications = ctx.app.get(NotificationsService);
    accounts = ctx.app.get(AccountsService);
    prisma = ctx.app.get(PrismaService);
    queue = new Queue(EMAIL_QUEUE, queueOptions(ctx.app.get(AppConfig)));
  });
  afterAll(async () => {
    await queue.close();
    await ctx.close();
  });

  const notice = (n: number | string): Notice => ({
    kind: 'quota.threshold',
    subject: `platewise: notice ${n}`,
    message: `Notice ${n}.`,
  });
  /** The notice e-mails queued to `to` (not confirmation e-mails), in the order queued. */
  const mailsTo = async (to: string): Promise<EmailJob[]> =>
    (await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'], 0, -1, true))
      .map((j) => j.data)
      .filter((d): d is EmailJob => 'to' in d && d.to === to);
  /** An account whose owner set `email` (unconfirmed), and the token of the link the worker would send. */
  async function owner(email: string) {
    const { accountId } = await ctx.account();
    await confirmations.change(accountId, email);
    return { accountId, token: await tokenFor(accountId, email) };
  }
  async function tokenFor(accountId: string, email: string): Promise<string> {
    const mail = await confirmations.compose({ accountId, email });
    return /#\/confirm-email\?token=([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
  }
  /** As if the last confirmation e-mail were sent long ago: one is allowed every 5 minutes. */
  const pastTheLimit = (accountId: string) =>
    prisma.emailConfirmation.update({
      where: { accountId },
      data: { requestedAt: new Date(Date.now() - 10 * 60_000) },
    });
  const address = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;

  it('holds the e-mail of a notice raised before the link is followed, and sends it then, once', async () => {
    const to = address('held');
    const { accountId, token } = await owner(to);
    expect(await notifications.notify(accountId, notice('before'))).toBe(true);
    expect(await mailsTo(to)).toEqual([]);
    expect(
      await prisma.notification.findFirstOrThrow({
        where: { accountId, message: 'Notice before.' },
      }),
    ).toMatchObject({ emailHeld: true, subject: 'platewise: notice before' });

    const confirmed = await confirmations.confirm(token);
    expect(confirmed).toMatchObject({ email: to, heldNotices: 1 });
    const [mail, ...others] = await mailsTo(to);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ to, subject: 'platewise: notice before' });
    expect(mail!.text).toMatch(
      /^Notice before\.\n\nTold on \d{4}-\d\d-\d\d \d\d:\d\d UTC, while this address was not yet confirmed: held until it was\.\n\nYour dashboard: https:\/\/alpr\.example\.com\/app\/$/,
    );
    expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);

    // From now on a notice is e-mailed at once, and nothing held goes a second time (an operator
    // setting the same address again releases what is held: nothing).
    await notifications.notify(accountId, notice('after'));
    await accounts.updateSettings(accountId, { email: to });
    expect((await mailsTo(to)).map((m) => m.subject)).toEqual([
      'platewise: notice before',
      'platewise: notice after',
    ]);
  });

  it('e-mails a notice raised as the address is confirmed once: held and released, or sent at once', async () => {
    for (let round = 0; round < 6; round++) {
      const to = address(`race${round}`);
      const { accountId, token } = await owner(to);
      const raised = [0, 1, 2, 3].map((i) => notice(`race ${round}.${i}`));
      // The confirmation and the notices around it: some before, some while, some after.
      const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const [confirmed] = await Promise.all([
        confirmations.confirm(token),
        ...raised.map(async (n, i) => {
          await later(round + i * 4);
          return notifications.notify(accountId, n);
        }),
      ]);
      const subjects = (await mailsTo(to)).map((m) => m.subject).sort();
      expect(subjects).toEqual(raised.map((n) => n.subject).sort());
      expect(confirmed.heldNotices).toBeLessThanOrEqual(raised.length);
      expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);
    }
  });

  it('has a confirmation that comes while a notice is being held wait for it, and send it', async () => {
    const to = address('held-first');
    const { accountId, token } = await owner(to);
    // The notice's transaction has decided to hold its e-mail, and is not committed yet.
    let commit!: () => void;
    const gate = new Promise<void>((r) => (commit = r));
    let decided!: () => void;
    const holding = new Promise<void>((r) => (decided = r));
    const noticeTx = prisma.$transaction(async (tx) => {
      const mailTo = await notifications.record(tx, accountId, notice('while confirming'));
      decided();
      await gate;
      return mailTo;
    });
    await holding;
    const confirming = confirmations.confirm(token);
    let done = false;
    void confirming.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false); // waits for the notice's share lock on the account row
    commit();
    expect(await noticeTx).toBeNull();
    expect(await confirming).toMatchObject({ heldNotices: 1 });
    expect((await mailsTo(to)).map((m) => m.subject)).toEqual([
      'platewise: notice while confirming',
    ]);
  });

  it('has a notice raised while the address is being confirmed wait for it, and send it at once', async () => {
    const to = address('confirmed-first');
    const { accountId } = await owner(to);
    // A transaction that has confirmed the address (as confirm's does first), not committed yet.
    let commit!: () => void;
    const gate = new Promise<void>((r) => (commit = r));
    let updated!: () => void;
    const confirmedRow = new Promise<void>((r) => (updated = r));
    const confirmTx = prisma.$transaction(async (tx) => {
      await tx.account.update({ where: { id: accountId }, data: { emailConfirmedAt: new Date() } });
      updated();
      await gate;
    });
    await confirmedRow;
    const notifying = notifications.notify(accountId, notice('while confirmed'));
    await new Promise((r) => setTimeout(r, 300));
    commit();
    await confirmTx;
    expect(await notifying).toBe(true);
    expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);
    expect((await mailsTo(to)).map((m) => m.subject)).toEqual([
      'platewise: notice while confirmed',
    ]);
  });

  it('sends what was held to the address confirmed in the end, not to one changed before its link was followed', async () => {
    const first = address('first');
    const second = address('second');
    const { accountId } = await owner(first);
    await notifications.notify(accountId, notice('for first'));
    await pastTheLimit(accountId);
    await confirmations.change(accountId, second);
    await notifications.notify(accountId, notice('for second'));
    const token = await tokenFor(accountId, second);

    expect(await confirmations.confirm(token)).toMatchObject({ email: second, heldNotices: 2 });
    expect(await mailsTo(first)).toEqual([]);
    expect((await mailsTo(second)).map((m) => m.subject)).toEqual([
      'platewise: notice for first',
      'platewise: notice for second',
    ]);
  });

  it('does not send held notices older than 48 hours, nor keep them held', async () => {
    const to = address('stale');
    const { accountId, token } = await owner(to);
    await notifications.notify(accountId, notice('stale'));
    await notifications.notify(accountId, notice('recent'));
    await prisma.notification.updateMany({
      where: { accountId, message: 'Notice stale.' },
      data: { createdAt: new Date(Date.now() - 49 * 3_600_000) },
    });
    expect(await confirmations.confirm(token)).toMatchObject({ heldNotices: 1 });
    expect((await mailsTo(to)).map((m) => m.subject)).toEqual(['platewise: notice recent']);
    expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);
  });

  it(`sends the newest ${HELD_MAIL_LIMIT} held notices at most, oldest first`, async () => {
    const to = address('many');
    const { accountId, token } = await owner(to);
    for (let i = 1; i <= HELD_MAIL_LIMIT + 5; i++) await notifications.notify(accountId, notice(i));
    expect(await confirmations.confirm(token)).toMatchObject({ heldNotices: HELD_MAIL_LIMIT });
    const subjects = (await mailsTo(to)).map((m) => m.subject);
    expect(subjects).toHaveLength(HELD_MAIL_LIMIT);
    expect(subjects[0]).toBe('platewise: notice 6');
    expect(subjects.at(-1)).toBe(`platewise: notice ${HELD_MAIL_LIMIT + 5}`);
  });

  it('drops what was held when the owner removes the address', async () => {
    const { accountId } = await owner(address('removed'));
    await notifications.notify(accountId, notice('dropped'));
    await confirmations.change(accountId, null);
    expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);
    await pastTheLimit(accountId);
    const later = address('later');
    await confirmations.change(accountId, later);
    expect(await confirmations.confirm(await tokenFor(accountId, later))).toMatchObject({
      heldNotices: 0,
    });
    expect(await mailsTo(later)).toEqual([]);
  });

  it("holds nothing for an operator's address, and sends it what the owner's unconfirmed one held", async () => {
    const owners = address('owners');
    const operators = address('operators');
    const { accountId, token } = await owner(owners);
    await notifications.notify(accountId, notice('held for the owner'));
    await accounts.updateSettings(accountId, { email: operators });
    await notifications.notify(accountId, notice('after the operator'));
    expect(await prisma.notification.count({ where: { accountId, emailHeld: true } })).toBe(0);
    expect((await mailsTo(operators)).map((m) => m.subject)).toEqual([
      'platewise: notice held for the owner',
      'platewise: notice after the operator',
    ]);
    // The owner's link stopped working with the operator's change, and nothing went to its address.
    await expect(confirmations.confirm(token)).rejects.toThrow(/not valid/);
    expect(await mailsTo(owners)).toEqual([]);

    // Removing the address (an operator too) leaves nothing held to send later.
    const { accountId: other } = await owner(address('other'));
    await notifications.notify(other, notice('other'));
    await accounts.updateSettings(other, { email: null });
    expect(await prisma.notification.count({ where: { accountId: other, emailHeld: true } })).toBe(
      0,
    );
  });

  /**
   * The workers' sweep as it runs a few minutes on (at the time, it leaves an address confirmed a
   * moment ago to its confirmation; so do the workers that other suites start on this database).
   */
  const sweepLater = (ms = 5 * 60_000) => notifications.sweepHeld(new Date(Date.now() + ms));
  /** The subjects of the notice e-mails queued to `to`, sorted. */
  const subjectsTo = async (to: string) => (await mailsTo(to)).map((m) => m.subject).sort();
  const heldOf = (accountId: string) =>
    prisma.notification.count({ where: { accountId, emailHeld: true } });

  it('keeps held what the queue refused at the confirmation, and e-mails it later, once', async () => {
    const to = address('refused');
    const { accountId, token } = await owner(to);
    await notifications.notify(accountId, notice('refused 1'));
    await notifications.notify(accountId, notice('refused 2'));
    // Redis refuses the held e-mails at the moment the link is followed.
    const addBulk = jest
      .spyOn(Queue.prototype, 'addBulk')
      .mockRejectedValueOnce(new Error('Redis is away'));
    try {
      // The confirmation stands, and says what will be e-mailed.
      expect(await confirmations.confirm(token)).toMatchObject({ email: to, heldNotices: 2 });
      expect(addBulk).toHaveBeenCalledTimes(1);
    } finally {
      addBulk.mockRestore();
    }
    expect(await mailsTo(to)).toEqual([]);
    // Not lost: still held (the dashboard says so), for the worker's sweep to send.
    expect(await heldOf(accountId)).toBe(2);
    // Not at once: the sweep leaves a confirmation of a moment ago to itself.
    await notifications.sweepHeld();
    expect(await mailsTo(to)).toEqual([]);

    // Sweeps and a retry of the account's own at the same moment: each notice is e-mailed once.
    await Promise.all([sweepLater(), sweepLater(), notifications.sendHeld(accountId)]);
    expect(await subjectsTo(to)).toEqual([
      'platewise: notice refused 1',
      'platewise: notice refused 2',
    ]);
    expect(await heldOf(accountId)).toBe(0);
    const [mail] = await mailsTo(to);
    expect(mail!.text).toMatch(/\n\nTold on .* UTC, while this address was not yet confirmed/);
    await sweepLater();
    expect(await mailsTo(to)).toHaveLength(2);
  });

  it('e-mails once what the queue took when taking it off hold failed after (sent again by the sweep)', async () => {
    const to = address('half');
    const { accountId, token } = await owner(to);
    await notifications.notify(accountId, notice('half 1'));
    await notifications.notify(accountId, notice('half 2'));
    // The jobs are queued, then the connection fails before the notices are taken off hold.
    const original = Queue.prototype.addBulk;
    const addBulk = jest.spyOn(Queue.prototype, 'addBulk').mockImplementationOnce(async function (
      this: Queue,
      jobs,
    ) {
      await original.call(this, jobs);
      throw new Error('connection lost after the jobs were added');
    });
    try {
      expect(await confirmations.confirm(token)).toMatchObject({ heldNotices: 2 });
    } finally {
      addBulk.mockRestore();
    }
    expect(await heldOf(accountId)).toBe(2);
    // The sweep queues them again: their jobs (by the notices' ids) are there, so none is added.
    await sweepLater();
    expect(await heldOf(accountId)).toBe(0);
    expect(await subjectsTo(to)).toEqual(['platewise: notice half 1', 'platewise: notice half 2']);
  });

  it(`sends later what the confirmation chose: its 48 hours, the newest ${HELD_MAIL_LIMIT}`, async () => {
    const to = address('refused-many');
    const { accountId, token } = await owner(to);
    await notifications.notify(accountId, notice('stale'));
    await prisma.notification.updateMany({
      where: { accountId, message: 'Notice stale.' },
      data: { createdAt: new Date(Date.now() - 49 * 3_600_000) },
    });
    for (let i = 1; i <= HELD_MAIL_LIMIT + 2; i++) await notifications.notify(accountId, notice(i));
    const addBulk = jest
      .spyOn(Queue.prototype, 'addBulk')
      .mockRejectedValueOnce(new Error('Redis is away'));
    try {
      expect(await confirmations.confirm(token)).toMatchObject({ heldNotices: HELD_MAIL_LIMIT });
    } finally {
      addBulk.mockRestore();
    }
    expect(await heldOf(accountId)).toBe(HELD_MAIL_LIMIT);
    // The sweep comes three days on: the window is the confirmation's, so they all go, late.
    await sweepLater(3 * 24 * 3_600_000);
    const subjects = (await mailsTo(to)).map((m) => m.subject);
    expect(subjects).toHaveLength(HELD_MAIL_LIMIT);
    expect(subjects[0]).toBe('platewise: notice 3');
    expect(subjects.at(-1)).toBe(`platewise: notice ${HELD_MAIL_LIMIT + 2}`);
    expect(await heldOf(accountId)).toBe(0);
  });

  it('sends what a refused queue left held to the address confirmed in the end, or drops it with the address', async () => {
    const first = address('refused-first');
    const second = address('refused-second');
    const { accountId, token } = await owner(first);
    await notifications.notify(accountId, notice('moved'));
    const addBulk = jest
      .spyOn(Queue.prototype, 'addBulk')
      .mockRejectedValueOnce(new Error('Redis is away'));
    try {
      await confirmations.confirm(token);
    } finally {
      addBulk.mockRestore();
    }
    // Changed before the sweep came: held for the new address, not sent to the one left.
    await pastTheLimit(accountId);
    await confirmations.change(accountId, second);
    await sweepLater();
    expect(await mailsTo(first)).toEqual([]);
    expect(await heldOf(accountId)).toBe(1);
    expect(await confirmations.confirm(await tokenFor(accountId, second))).toMatchObject({
      heldNotices: 1,
    });
    expect(await subjectsTo(second)).toEqual(['platewise: notice moved']);

    // Removed before the sweep came: dropped, as any held notice is with the address.
    const gone = address('refused-gone');
    const other = await owner(gone);
    await notifications.notify(other.accountId, notice('gone'));
    jest.spyOn(Queue.prototype, 'addBulk').mockRejectedValueOnce(new Error('Redis is away'));
    await confirmations.confirm(other.token);
    jest.restoreAllMocks();
    await confirmations.change(other.accountId, null);
    await sweepLater();
    expect(await heldOf(other.accountId)).toBe(0);
    expect(await mailsTo(gone)).toEqual([]);
  });

  it('holds the notice of a webhook removed while the address is unconfirmed, as any other', async () => {
    // WebhooksService stores that notice in its own transaction (record), then sends it (send).
    const to = address('hook');
    const { accountId, token } = await owner(to);
    const removedNotice = { ...notice('hook removed'), kind: 'webhook.removed' as const };
    const mailTo = await prisma.$transaction((tx) =>
      notifications.record(tx, accountId, removedNotice),
    );
    expect(mailTo).toBeNull();
    expect(await confirmations.confirm(token)).toMatchObject({ heldNotices: 1 });
    expect((await mailsTo(to)).map((m) => m.subject)).toEqual(['platewise: notice hook removed']);
    // Confirmed: recorded to be sent at once, to it.
    expect(
      await prisma.$transaction((tx) => notifications.record(tx, accountId, notice('now'))),
    ).toMatchObject({ to });
  });

  it('holds the e-mail of a notice the queue refused when raised, for the sweep to send once', async () => {
    const to = address('queue-away');
    const { accountId, token } = await owner(to);
    await confirmations.confirm(token);
    // Redis refuses the first e-mail; the second it takes, yet answers an error (a timeout).
    const original = Queue.prototype.add;
    const add = jest
      .spyOn(Queue.prototype, 'add')
      .mockRejectedValueOnce(new Error('Redis is away'))
      .mockImplementationOnce(async function (this: Queue, ...args: Parameters<Queue['add']>) {
        await original.apply(this, args);
        throw new Error('Command timed out');
      });
    try {
      // Recorded, so its caller has nothing to retry (a retry found the notice, kept once by its
      // dedupe key, and never sent the e-mail).
      await expect(notifications.notify(accountId, notice('queue away'))).resolves.toBe(true);
      await expect(notifications.notify(accountId, notice('queue slow'))).resolves.toBe(true);
      expect(add).toHaveBeenCalledTimes(2);
    } finally {
      add.mockRestore();
    }
    expect(await subjectsTo(to)).toEqual(['platewise: notice queue slow']);
    expect(await heldOf(accountId)).toBe(2);
    await sweepLater();
    // Each e-mailed once: the one the queue took is not queued again (its job has the notice's id).
    expect(await subjectsTo(to)).toEqual([
      'platewise: notice queue away',
      'platewise: notice queue slow',
    ]);
    expect(await heldOf(accountId)).toBe(0);
    const late = (await mailsTo(to)).find((m) => m.subject === 'platewise: notice queue away');
    expect(late!.text).toMatch(
      /\n\nTold on .* UTC; e-mailed late, as the mail queue could not take it then/,
    );
    await sweepLater();
    expect(await mailsTo(to)).toHaveLength(2);
  });

  it('drops a notice for an account deleted since (false), e-mailed or listed only, so its caller does not retry it forever', async () => {
    const { accountId } = await ctx.account();
    await prisma.account.delete({ where: { id: accountId } });
    await expect(notifications.notify(accountId, notice('gone'))).resolves.toBe(false);
    await expect(
      notifications.notify(accountId, notice('gone, listed'), { email: false }),
    ).resolves.toBe(false);
  });
});
