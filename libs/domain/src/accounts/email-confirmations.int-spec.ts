/**
 * EmailConfirmationsService on the real PostgreSQL and Redis: what is stored of a link (its
 * hash only), what the worker's half sends when the address moved on, and changes at the same
 * moment. The e-mails are queued on a Redis prefix of this file's own, where no worker takes them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, PrismaService } from '@platewise/infra';
import { TooSoonError } from '../errors';
import { domainContext } from '../test-support/domain-context';
import { EmailConfirmationsService } from './email-confirmations.service';

describe('EmailConfirmationsService', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let confirmations: EmailConfirmationsService;
  let prisma: PrismaService;

  beforeAll(async () => {
    ctx = await domainContext({
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'platewise-test:'}confirm-${randomUUID().slice(0, 8)}:`,
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'platewise <alpr@example.com>',
      PUBLIC_URL: 'https://alpr.example.com',
    });
    confirmations = ctx.app.get(EmailConfirmationsService);
    prisma = ctx.app.get(PrismaService);
  });
  afterAll(() => ctx.close());

  it("stores only the link's hash, made as it is sent, and sends nothing for an address changed since", async () => {
    const { accountId } = await ctx.account();
    await confirmations.change(accountId, 'first@example.com');
    const pending = await prisma.emailConfirmation.findUniqueOrThrow({ where: { accountId } });
    expect(pending).toMatchObject({ email: 'first@example.com', tokenHash: null, expiresAt: null });

    const mail = await confirmations.compose({ accountId, email: 'first@example.com' });
    expect(mail).toMatchObject({ to: 'first@example.com' });
    const token = /#\/confirm-email\?token=([A-Za-z0-9_-]{43})\n/.exec(mail!.text)![1]!;
    expect(mail!.text).toContain(`https://alpr.example.com/app/#/confirm-email?token=${token}`);
    const sent = await prisma.emailConfirmation.findUniqueOrThrow({ where: { accountId } });
    expect(sent.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    const hours = (sent.expiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThanOrEqual(48);

    // The owner moved on before the worker took the job: it sends nothing, and the link it would
    // have made for the old address is not stored.
    await prisma.emailConfirmation.update({
      where: { accountId },
      data: { requestedAt: new Date(0) },
    });
    await confirmations.change(accountId, 'second@example.com');
    expect(await confirmations.compose({ accountId, email: 'first@example.com' })).toBeNull();
    expect(await prisma.emailConfirmation.findUnique({ where: { accountId } })).toMatchObject({
      email: 'second@example.com',
      tokenHash: null,
    });
  });

  it('takes a confirmation and a change at the same moment one after the other, not into a deadlock', async () => {
    const { accountId } = await ctx.account();
    await confirmations.change(accountId, 'race@example.com');
    const mail = await confirmations.compose({ accountId, email: 'race@example.com' });
    const token = /confirm-email\?token=([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
    // Another transaction in change()'s order (lockPending), on a connection of its own: the
    // account row, then the confirmation's. The confirmation is started while it holds the
    // account row and, once that is waiting for a lock, it writes the confirmation's row.
    const other = new Client({ connectionString: loadConfig().DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM accounts WHERE id = $1::uuid FOR UPDATE', [accountId]);
      const confirming = confirmations.confirm(token);
      confirming.catch(() => undefined); // awaited below
      for (;;) {
        const { rows } = await other.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query(
        'UPDATE email_confirmations SET requested_at = requested_at WHERE account_id = $1::uuid',
        [accountId],
      );
      await other.query('COMMIT');
      await expect(confirming).resolves.toMatchObject({ email: 'race@example.com' });
    } finally {
      await other.end();
    }
    expect(await confirmations.compose({ accountId, email: 'race@example.com' })).toBeNull();
  });

  it('takes two changes at the same moment one after the other: the second is too soon', async () => {
    const { accountId } = await ctx.account();
    const results = await Promise.allSettled([
      confirmations.change(accountId, 'one@example.com'),
      confirmations.change(accountId, 'two@example.com'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(TooSoonError);
    expect((refused.reason as TooSoonError).retryAfterSeconds).toBeGreaterThan(290);
  });

  it('keeps the limit when the address is removed and another set', async () => {
    const { accountId } = await ctx.account();
    await confirmations.change(accountId, 'one@example.com');
    expect((await confirmations.change(accountId, null)).email).toBeNull();
    await expect(confirmations.change(accountId, 'two@example.com')).rejects.toThrow(TooSoonError);
  });
});
